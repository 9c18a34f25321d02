// `pnpm demo`: the emulator and every example, wired to each other, until Ctrl-C.
//   node scripts/demo.mjs            run until SIGINT/SIGTERM
//   node scripts/demo.mjs --smoke    start everything, check each app answers, stop, exit 0/1
//   node scripts/demo.mjs --nextjs   add the Next.js example (runs `next build` first if needed)
// Ports: emulator 4010, express-passport 3000, web-standard 3001, reseller-shop 3002, hono 3003,
// fastify 3004, nextjs 3005, better-auth 3006, authjs-express 3007, all on 127.0.0.1 (the shop's admin token below is
// fixed because nothing listens beyond loopback) (override with DEMO_PORT_BASE=5000: the apps take
// 5000-5007 and the emulator 5010).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const smoke = process.argv.includes('--smoke');
// An app that exits stops the demo at once; one that is alive but slow to listen (a loaded machine
// starts eight Node processes at once) is waited for up to two minutes.
const START_DEADLINE_MS = 120_000;
const withNext = process.argv.includes('--nextjs');
const base = Number(process.env.DEMO_PORT_BASE ?? 3000);
const host = '127.0.0.1';
const ports = {
  passport: base,
  web: base + 1,
  shop: base + 2,
  hono: base + 3,
  fastify: base + 4,
  nextjs: base + 5,
  betterAuth: base + 6,
  authjs: base + 7,
  emulator: base + 10,
};
const origin = (port) => `http://${host}:${port}`;

const emulatorEntry = join(root, 'packages/emulator/dist/index.js');
if (!existsSync(emulatorEntry)) {
  console.error(
    'demo: the packages are not built yet; run `bash scripts/setup.sh` (or `pnpm build`) first.',
  );
  process.exit(2);
}
const { defaultConfig, startEmulator } = await import(emulatorEntry);

const shopUrl = origin(ports.shop);
const config = defaultConfig({
  redirectUris: [
    `${origin(ports.passport)}/auth/neverlose/callback`,
    `${origin(ports.web)}/callback`,
    `${origin(ports.hono)}/auth/neverlose/callback`,
    `${origin(ports.fastify)}/auth/neverlose/callback`,
    `${origin(ports.nextjs)}/api/auth/callback/neverlose`,
    `${origin(ports.betterAuth)}/api/auth/callback/neverlose`,
    `${origin(ports.authjs)}/auth/callback/neverlose`,
  ],
  integrationRedirectUrl: `${shopUrl}/checkout`,
  webhookUrl: `${shopUrl}/webhooks/neverlose`,
});
// A new integration is private to its owner; the demo's buyers must see the shop at checkout.
config.marketAccounts = config.marketAccounts.map((account) =>
  account.integration
    ? { ...account, integration: { ...account.integration, public: true } }
    : account,
);
if (withNext && !existsSync(join(root, 'examples/nextjs/.next/BUILD_ID'))) {
  console.log('demo: building the Next.js example (next build, about 20 s)...');
  const { buildExample } = await import(join(root, 'examples/nextjs/dist/app.js'));
  await buildExample();
}
const emulator = await startEmulator({ host, port: ports.emulator, config });

// The shop's admin pages need a token; the demo listens on loopback only, so a fixed one will do.
const shopAdminToken = 'demo-admin-token-loopback-only';
const common = {
  HOST: host,
  NEVERLOSE_ISSUER: emulator.issuer,
  NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
  NEVERLOSE_CLIENT_ID: 'emulator-client',
  NEVERLOSE_CLIENT_SECRET: 'emulator-secret',
  SESSION_SECRET: 'demo-session-secret-not-for-production-0123456789',
  // The demo needs no database, and must not write tables into one it finds in the environment.
  DATABASE_URL: '',
};
const apps = [
  { name: 'express-passport', port: ports.passport, env: {} },
  { name: 'web-standard', port: ports.web, env: {} },
  {
    name: 'reseller-shop',
    port: ports.shop,
    env: {
      NEVERLOSE_USER_ID: '10',
      NEVERLOSE_API_KEY: 'emulator-reseller-key',
      NEVERLOSE_MARKET_URL: `${emulator.url}/api/market`,
      NEVERLOSE_INTEGRATION_ID: '100',
      JOURNAL_PATH: join(mkdtempSync(join(tmpdir(), 'neverlose-demo-')), 'journal.db'),
      SHOP_ADMIN_TOKEN: shopAdminToken,
    },
  },
  { name: 'hono', port: ports.hono, env: {} },
  { name: 'fastify', port: ports.fastify, env: {} },
  { name: 'better-auth', port: ports.betterAuth, env: {} },
  { name: 'authjs-express', port: ports.authjs, env: {} },
  ...(withNext ? [{ name: 'nextjs', port: ports.nextjs, env: {} }] : []),
];

const children = [];
let stopping = false;
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// A fault of the demo itself stops the apps it started too, rather than leaving them running.
process.on('uncaughtException', (error) => {
  console.error(error);
  void shutdown(1);
});
for (const app of apps) {
  const entry = join(root, 'examples', app.name, 'dist/main.js');
  if (!existsSync(entry)) {
    console.error(`demo: examples/${app.name} is not built; run \`pnpm build\`.`);
    await shutdown(2);
  }
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      ...common,
      ...app.env,
      PORT: String(app.port),
      PUBLIC_URL: origin(app.port),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`demo: ${app.name} exited (${signal ?? code}); stopping everything.`);
      void shutdown(1);
    }
  });
  children.push(child);
}

await Promise.all(apps.map((app) => waitForHttp(origin(app.port))));
console.log(`
Neverlose demo: everything runs locally against the emulator.

  emulator (identity provider, market API, checkout)  ${emulator.url}
    dashboard                                         ${emulator.url}/admin
  express-passport (Login with Neverlose, Passport)  ${origin(ports.passport)}
  web-standard     (Login with Neverlose, Web APIs)  ${origin(ports.web)}
  reseller-shop    (reseller checkout and webhooks)  ${shopUrl}
    admin and webhooks                                ${shopUrl}/admin  (user admin, password ${shopAdminToken})
  hono             (Login with Neverlose, Hono)      ${origin(ports.hono)}
  fastify          (Login with Neverlose, Fastify)   ${origin(ports.fastify)}
  better-auth      (Login with Neverlose, better-auth) ${origin(ports.betterAuth)}
  authjs-express   (Login with Neverlose, Auth.js)   ${origin(ports.authjs)}
  nextjs           (Login with Neverlose, Next.js)   ${withNext ? origin(ports.nextjs) : 'not started: pnpm demo --nextjs'}

Sign in as alice, bob or charlie (no password). Buy from the reseller shop through the emulator's
checkout (pick a user and a product, then the shop as the payment method): ${emulator.url}/checkout
Press Ctrl-C to stop.
`);

if (smoke) {
  let failed = false;
  const check = (ok, what) => {
    console.log(`smoke: ${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failed = true;
  };
  for (const url of [emulator.url, ...apps.map((app) => origin(app.port))]) {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    check(response?.ok === true, `${url} answers`);
  }
  // The shop's admin pages ask for the token and open with it.
  const admin = (authorization) =>
    fetch(`${shopUrl}/admin`, {
      headers: authorization ? { authorization } : {},
      signal: AbortSignal.timeout(5000),
    }).catch(() => undefined);
  const basic = `Basic ${Buffer.from(`admin:${shopAdminToken}`).toString('base64')}`;
  check(
    (await admin())?.status === 401 && (await admin(basic))?.status === 200,
    'reseller-shop: /admin asks for the admin token and opens with it',
  );
  // The wiring: each login starts at the emulator, which accepts the app's redirect URI.
  for (const [name, port, loginPath] of [
    ['express-passport', ports.passport, '/auth/neverlose'],
    ['web-standard', ports.web, '/login'],
    ['hono', ports.hono, '/auth/neverlose'],
    ['fastify', ports.fastify, '/auth/neverlose'],
    ['better-auth', ports.betterAuth, '/login'],
    ['authjs-express', ports.authjs, '/login'],
  ]) {
    const start = await fetch(`${origin(port)}${loginPath}`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(5000),
    }).catch(() => undefined);
    const location = start?.headers.get('location') ?? '';
    const signIn = location.startsWith(emulator.url)
      ? await fetch(location, { signal: AbortSignal.timeout(5000) }).catch(() => undefined)
      : undefined;
    const html = signIn ? await signIn.text() : '';
    check(
      signIn?.ok === true && html.includes('signin-form'),
      `${name}: login reaches the emulator's sign-in page`,
    );
  }
  await shutdown(failed ? 1 : 0);
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((child) =>
      child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null,
    ),
  );
  await emulator.stop();
  process.exit(code);
}

async function waitForHttp(url) {
  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch (error) {
      if (process.env.DEMO_DEBUG)
        console.error(`demo: waiting for ${url}: ${error.cause?.code ?? error.name}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  console.error(`demo: ${url} did not answer within ${START_DEADLINE_MS / 1000} s`);
  await shutdown(1);
}

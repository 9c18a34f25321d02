// Load on the OIDC callback endpoint: an HTTP app completing logins with neverlose-oidc, beside the
// same app calling openid-client directly, driven by autocannon on loopback in the same run.
// Every request is a real callback with its own one-time code (minted before the timed window),
// and, for neverlose-oidc, the login cookie that binds it to the browser that started it.
// Runs the BUILT package: `pnpm --filter neverlose-oidc build` first.
// Usage: node bench/callback-load.bench.mjs [callbacks per round, default 1500]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { printSuite, writeSuite } from '@neverlose-toolkit/test-support/bench-report';

const SCOPE = 'openid profile email';

if (process.argv[2] === 'serve') {
  const [, , , mode, issuer, clientId, clientSecret] = process.argv;
  let port = 0;
  const redirectUri = () => `http://127.0.0.1:${port}/callback`;
  let start;
  let finish;
  if (mode === 'ours') {
    const { createNeverloseClient, loginCookie, MemoryTransactionStore } = await import(
      '../dist/index.js'
    );
    const store = new MemoryTransactionStore({ maxEntries: 100_000 });
    let client;
    start = async (_req, res) => {
      client ??= await createNeverloseClient({
        clientId,
        clientSecret,
        redirectUri: redirectUri(),
        issuer,
        dangerouslyAllowInsecureHttp: true,
      });
      const { url, transaction, binding } = await client.startAuthorization();
      await store.set(binding, transaction, 600_000);
      const cookie = loginCookie(transaction.redirectUri, transaction.state);
      res.setHeader('set-cookie', cookie.set(binding, 600));
      return url.href;
    };
    finish = async (url, req) => {
      const cookie = loginCookie(redirectUri(), url.searchParams.get('state') ?? undefined);
      const binding = cookie.read(req.headers.cookie);
      const transaction = binding === undefined ? undefined : await store.take(binding);
      const { profile } = await client.completeAuthorization(url, transaction, binding);
      return profile.id;
    };
  } else {
    const oidc = await import('openid-client');
    const config = await oidc.discovery(
      new URL(issuer),
      clientId,
      clientSecret,
      oidc.ClientSecretBasic(clientSecret),
      {
        execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks],
      },
    );
    const pending = new Map();
    start = async () => {
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      pending.set(state, { nonce, codeVerifier });
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri(),
        scope: SCOPE,
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      }).href;
    };
    finish = async (url) => {
      const state = url.searchParams.get('state') ?? '';
      const tx = pending.get(state);
      pending.delete(state);
      const tokens = await oidc.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: tx.codeVerifier,
        expectedState: state,
        expectedNonce: tx.nonce,
        idTokenExpected: true,
      });
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims().sub);
      return userinfo.sub;
    };
  }
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', redirectUri());
    try {
      const body =
        url.pathname === '/login'
          ? await start(req, res)
          : JSON.stringify({ sub: await finish(url, req) });
      res
        .writeHead(200, {
          'content-type': url.pathname === '/login' ? 'text/plain' : 'application/json',
        })
        .end(body);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  server.listen(0, '127.0.0.1', () => {
    port = server.address().port;
    process.stdout.write(`${port}\n`);
  });
} else {
  const { default: autocannon } = await import('autocannon');
  const { authorize, startProvider } = await import(
    '@neverlose-toolkit/test-support/hostile-provider'
  );
  const perRound = Number(process.argv[2] ?? 1500);
  const rounds = 3;
  const connections = 10;
  const provider = await startProvider();

  async function startApp(mode) {
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        'serve',
        mode,
        provider.issuer,
        provider.clientId,
        provider.clientSecret,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const port = await new Promise((resolve, reject) => {
      child.stdout.once('data', (data) => resolve(Number(String(data).trim())));
      child.once('exit', (code) =>
        reject(new Error(`the ${mode} app exited (${code}); is the package built?`)),
      );
    });
    return { mode, child, origin: `http://127.0.0.1:${port}` };
  }

  /**
   * Starts `count` logins on the app and has the provider authorize each: one callback path per
   * login, with the cookie the login gave its browser.
   */
  async function mintCallbacks(app, count) {
    const callbacks = [];
    for (let i = 0; i < count; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, async () => {
          const login = await fetch(`${app.origin}/login`);
          const cookie = login.headers.getSetCookie()[0]?.split(';')[0];
          const callback = new URL(await authorize(await login.text()));
          return { path: callback.pathname + callback.search, cookie };
        }),
      );
      callbacks.push(...batch);
    }
    return callbacks;
  }

  async function hit(app) {
    const callbacks = await mintCallbacks(app, perRound);
    let next = 0;
    const instance = autocannon({
      url: app.origin,
      connections,
      amount: perRound,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            const { path, cookie } = callbacks[next++ % callbacks.length];
            return {
              ...request,
              path,
              headers: { ...request.headers, ...(cookie === undefined ? {} : { cookie }) },
            };
          },
        },
      ],
    });
    const stop = setTimeout(() => instance.stop(), 30_000); // bounded: 30 s at most
    // autocannon ends an `amount` run on a whole-second tick: time the responses themselves.
    const started = performance.now();
    let last = started;
    let answered = 0;
    instance.on('response', () => {
      answered++;
      last = performance.now();
    });
    const result = await instance;
    clearTimeout(stop);
    return {
      requestsPerSecond: answered / ((last - started) / 1000),
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts + result.non2xx,
    };
  }

  const apps = [await startApp('direct'), await startApp('ours')];
  const runs = { direct: [], ours: [] };
  // The machine is shared: alternate the apps and keep each one's median round.
  for (let round = 0; round < rounds; round++)
    for (const app of apps) runs[app.mode].push(await hit(app));
  for (const app of apps) app.child.kill();
  await provider.close();
  for (const [mode, list] of Object.entries(runs)) {
    console.log(
      `${mode} rounds: ${list.map((r) => `${r.requestsPerSecond.toFixed(0)}/s p99 ${r.p99} ms`).join(', ')}`,
    );
  }
  const median = (list) => [...list].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[1];
  const direct = median(runs.direct);
  const ours = median(runs.ours);
  const ratio = ours.requestsPerSecond / direct.requestsPerSecond;
  const row = (name, r) => [
    { name: `${name}: callbacks/s`, value: r.requestsPerSecond, unit: 'req/s' },
    { name: `${name}: latency p50 / p99`, value: `${r.p50} / ${r.p99}`, unit: 'ms' },
    { name: `${name}: errors`, value: r.errors, unit: '' },
  ];
  printSuite(
    writeSuite('oidc-callback-load', {
      command: 'node packages/oidc/bench/callback-load.bench.mjs',
      figures: [
        ...row('openid-client direct (baseline)', direct),
        ...row('neverlose-oidc', ours),
        {
          name: 'setup',
          value: `${connections} connections, ${rounds} alternating rounds of ${perRound} callbacks, median kept; each callback: token exchange, id_token signature check against the JWKS, userinfo`,
          unit: '',
        },
      ],
      goals: [
        {
          name: 'neverlose-oidc / direct callbacks per second',
          value: ratio,
          target: 0.9,
          met: ratio >= 0.9,
        },
      ],
    }),
  );
  if (ours.errors || direct.errors) process.exitCode = 1;
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Server } from 'node:net';
import { join, relative } from 'node:path';
import {
  DEMO_REDIRECT_URIS,
  defaultConfig,
  generateSigningKey,
  type RunningEmulator,
  startEmulator,
} from 'neverlose-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { repoRoot } from '../support/packed.js';
import { postForm, signInAtEmulator } from '../support/sign-in.js';

/**
 * A README snippet is a promise: it must run as written against `neverlose-emulator`. A snippet
 * file whose first line is this marker is imported here, in this process, against an emulator.
 * It is run as written: the emulator advertises `http://127.0.0.1:4010` (its `publicUrl`) and the
 * app of a snippet listens on port 3000; `fetch` to those two origins and `listen(3000)` are
 * redirected to free ports, so that the test never meets another program on them.
 */
const MARKER = '// README snippet: runs against neverlose-emulator';
const EMULATOR_ORIGINS = ['http://127.0.0.1:4010', 'http://localhost:4010'];
const APP_ORIGINS = ['http://127.0.0.1:3000', 'http://localhost:3000'];

/** Every marked snippet file of every package. */
function markedSnippets(): string[] {
  const files: string[] = [];
  for (const pkg of readdirSync(join(repoRoot, 'packages'))) {
    const dir = join(repoRoot, 'packages', pkg, 'snippets');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')))
      if (readFileSync(join(dir, file), 'utf8').startsWith(MARKER)) files.push(join(dir, file));
  }
  return files.sort();
}

const realFetch = globalThis.fetch;
const realListen = Server.prototype.listen;
let emulator: RunningEmulator;
let appPort: number | undefined;
const servers: Server[] = [];

function rewrite(url: string): string {
  for (const origin of EMULATOR_ORIGINS)
    if (url.startsWith(origin))
      return `http://127.0.0.1:${emulator.port}${url.slice(origin.length)}`;
  for (const origin of APP_ORIGINS) {
    if (!url.startsWith(origin)) continue;
    if (appPort === undefined) throw new Error(`${url}: no snippet app listens on port 3000`);
    return `http://127.0.0.1:${appPort}${url.slice(origin.length)}`;
  }
  return url;
}

beforeAll(async () => {
  emulator = await startEmulator({
    publicUrl: EMULATOR_ORIGINS[0],
    signingKey: await generateSigningKey(),
    config: defaultConfig({
      webhookUrl: `${APP_ORIGINS[0]}/webhooks`,
      integrationRedirectUrl: `${APP_ORIGINS[0]}/checkout`,
    }),
  });
  vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) => {
    if (input instanceof Request) return realFetch(new Request(rewrite(input.url), input), init);
    return realFetch(rewrite(String(input)), init);
  });
  vi.spyOn(Server.prototype, 'listen').mockImplementation(function (
    this: Server,
    ...args: unknown[]
  ) {
    if (args[0] !== 3000) return realListen.apply(this, args as never);
    this.once('listening', () => {
      appPort = (this.address() as { port: number }).port;
    });
    servers.push(this);
    return realListen.apply(this, [
      0,
      '127.0.0.1',
      ...args.slice(1).filter((a) => typeof a === 'function'),
    ] as never);
  });
});

/** Stops the apps of earlier snippets: port 3000 is free again for the next one. */
async function closeApps(): Promise<void> {
  await Promise.all(
    servers.splice(0).map((server) => {
      const closed = new Promise((done) => server.close(done));
      (server as Partial<import('node:http').Server>).closeAllConnections?.();
      return closed;
    }),
  );
  appPort = undefined;
}

beforeEach(async () => {
  await closeApps();
  emulator.reset();
});

afterAll(async () => {
  await closeApps();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  await emulator?.stop();
});

/** Imports a snippet of the emulator README (typechecked in its package, so typed loosely here). */
async function snippet<T>(name: string): Promise<T> {
  const file = join(repoRoot, 'packages/emulator/snippets', `${name}.ts`);
  return (await import(/* @vite-ignore */ file)) as T;
}

/** The emulator URL a snippet printed, as the test reaches it. */
const emulatorUrl = () => EMULATOR_ORIGINS[0] as string;

describe('the emulator README snippets run as written against neverlose-emulator', () => {
  it('snippets/with-oidc.ts: a login with neverlose-oidc', async () => {
    const oidc = await snippet<{ url: URL; callback(url: string): Promise<unknown> }>('with-oidc');
    expect(oidc.url.origin).toBe(emulatorUrl());
    const callback = await signInAtEmulator(oidc.url.href, 'alice');
    expect(callback.startsWith('http://127.0.0.1:3000/callback?')).toBe(true);
    expect(await oidc.callback(callback)).toMatchObject({
      id: '1',
      username: 'alice',
      email: 'alice@example.test',
    });
  });

  it('snippets/with-market.ts: the market API with MarketClient', async () => {
    const { balance } = await snippet<{ balance: number }>('with-market');
    expect(balance).toBe(1000);
    expect(emulator.ledger().map((entry) => entry.method)).toEqual([
      'gift-product',
      'transfer-money',
    ]);
    expect(emulator.world.userByLogin('bob')?.balanceCents).toBe(2750);
  });

  it('snippets/with-webhooks.ts: webhooks into a local app', async () => {
    const { received } = await snippet<{ received: unknown[] }>('with-webhooks');
    await vi.waitFor(() => expect(appPort).toBeDefined());
    emulator.purchase('alice', 'E3yugw');
    emulator.transfer('alice', 'reseller', 1);
    const deliveries = await emulator.webhooksIdle();
    expect(deliveries.map((d) => d.state)).toEqual(['delivered', 'delivered']);
    expect(received).toMatchObject([
      { kind: 'purchase', username: 'alice', itemId: 'E3yugw' },
      { kind: 'transfer', username: 'alice' },
    ]);
  });

  it('snippets/with-checkout.ts: a plan and a top-up bought as alice, each delivered once', async () => {
    await snippet('with-checkout');
    await vi.waitFor(() => expect(appPort).toBeDefined());
    const buy = async (form: Record<string, string>) => {
      const response = await postForm(`${emulatorUrl()}/checkout`, {
        login: 'alice', // integration 100 is public in the demo seed: any user may pay with it
        integration_id: '100',
        ...form,
      });
      const location = response.headers.get('location') ?? '';
      expect(location.startsWith('http://127.0.0.1:3000/checkout?nl_purchase=')).toBe(true);
      const delivered = await fetch(location);
      expect(delivered.status).toBe(200);
      // Opening the URL again delivers nothing more.
      expect((await fetch(location)).status).toBe(200);
      return delivered.text();
    };
    expect(await buy({ product: 'cs2', cnt: '0' })).toBe('cs2 for alice: completed');
    expect(await buy({ product: 'marketplace', nle: '10' })).toBe('10 NLE for alice: completed');
    expect(emulator.ledger().map((entry) => [entry.method, entry.params['username']])).toEqual([
      ['gift-product', 'alice'],
      ['transfer-money', 'alice'],
    ]);
    expect((await fetch('http://127.0.0.1:3000/checkout?nl_purchase=forged')).status).toBe(400);
  });

  it('snippets/with-passport.ts: a login with passport-neverlose on Express', async () => {
    await snippet('with-passport');
    await vi.waitFor(() => expect(appPort).toBeDefined());
    const app = APP_ORIGINS[0] as string;
    let cookie = '';
    const browse = async (url: string) => {
      const response = await fetch(url, { headers: { cookie }, redirect: 'manual' });
      const set = response.headers.get('set-cookie');
      if (set !== null) cookie = set.split(';')[0] as string;
      return response;
    };
    const start = await browse(`${app}/auth/neverlose`);
    expect(start.status).toBe(302);
    const authorization = start.headers.get('location') ?? '';
    expect(authorization.startsWith(`${emulatorUrl()}/oauth2/authorize?`)).toBe(true);
    const callback = await signInAtEmulator(authorization, 'alice');
    expect(callback.startsWith(`${app}/auth/neverlose/callback?`)).toBe(true);
    const done = await browse(callback);
    expect(done.headers.get('location')).toBe('/');
    expect(await (await browse(`${app}/`)).text()).toBe('Signed in as alice');
  });

  it('snippets/programmatic.ts: startEmulator and its helpers', async () => {
    await expect(snippet('programmatic')).resolves.toBeDefined();
  });
});

describe('the local callback URLs the READMEs name', () => {
  it('are all registered in the demo seed, so that a first login needs no set-up', () => {
    const files = [join(repoRoot, 'README.md')];
    for (const dir of ['packages', 'examples']) {
      for (const name of readdirSync(join(repoRoot, dir))) {
        const readme = join(repoRoot, dir, name, 'README.md');
        if (existsSync(readme)) files.push(readme);
        const snippets = join(repoRoot, dir, name, 'snippets');
        if (existsSync(snippets))
          for (const file of readdirSync(snippets)) files.push(join(snippets, file));
      }
    }
    const named = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(
        /https?:\/\/(?:127\.0\.0\.1|localhost):\d+\/[\w/.-]*callback[\w/.-]*/g,
      ))
        named.add(match[0]);
    }
    expect(named.size).toBeGreaterThan(2);
    expect([...named].filter((uri) => !DEMO_REDIRECT_URIS.includes(uri))).toEqual([]);
  });
});

describe('every snippet marked to run against neverlose-emulator', () => {
  const covered = new Set(
    [
      'with-oidc',
      'with-passport',
      'with-market',
      'with-webhooks',
      'with-checkout',
      'programmatic',
    ].map((name) => join(repoRoot, 'packages/emulator/snippets', `${name}.ts`)),
  );

  it('includes the emulator README snippets', () => {
    expect(markedSnippets()).toEqual(expect.arrayContaining([...covered]));
  });

  const others = markedSnippets().filter((file) => !covered.has(file));
  it.skipIf(others.length === 0).each(others.map((file) => [relative(repoRoot, file), file]))(
    '%s runs to its end',
    async (_, file) => {
      await expect(import(/* @vite-ignore */ file)).resolves.toBeDefined();
    },
  );
});

import { randomBytes } from 'node:crypto';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import { startRedis, type TestRedis } from '@neverlose-toolkit/test-support/redis-server';
import { locationOf, UserAgent } from '@neverlose-toolkit/test-support/user-agent';
import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBalancer } from '../support/balancer.js';
import type { Program } from '../support/program.js';
import { createReadmeApp, type ReadmeApp, readmeFile } from '../support/readme-app.js';
import { signInAtEmulator } from '../support/sign-in.js';

// The Hono sign-out wiring for several instances (snippets/hono-sign-out.ts, in the READMEs of
// neverlose-redis and neverlose-oidc: the block sync test keeps them one text), cut out of the
// README and run as written: two instances of it behind one address, over one Redis, against
// neverlose-emulator. Signed out through instance A, the cookie copied before is refused by B.

let emulator: RunningEmulator;
let redis: TestRedis;
let app: ReadmeApp;
const programs: Program[] = [];
let balancer: { stop(): Promise<void> } | undefined;

beforeAll(async () => {
  [emulator, redis] = await Promise.all([startEmulator({ port: 0 }), startRedis()]);
  app = createReadmeApp('neverlose-readme-hono-sign-out');
  await app.writeTypeScript(
    'server.ts',
    readmeFile('packages/redis/README.md', 'hono-sign-out.ts'),
  );
});
afterAll(async () => {
  await Promise.allSettled(programs.map((program) => program.stop()));
  await balancer?.stop();
  app?.remove();
  await redis?.stop();
  await emulator?.stop();
});

describe("the README's Hono wiring for several instances, run as written", () => {
  it('signs alice out through instance A: the cookie copied before opens nowhere, B included', async () => {
    const publicPort = await freePort();
    const publicUrl = `http://127.0.0.1:${publicPort}`;
    emulator.reset(defaultConfig({ redirectUris: [`${publicUrl}/auth/neverlose/callback`] }));
    const env = {
      NEVERLOSE_CLIENT_ID: 'emulator-client',
      NEVERLOSE_CLIENT_SECRET: 'emulator-secret',
      NEVERLOSE_ISSUER: emulator.url,
      NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      PUBLIC_URL: publicUrl,
      REDIS_URL: redis.url,
    };
    // One after the other: each reads the .env as it starts.
    const ports: number[] = [];
    for (const _ of ['A', 'B']) {
      const port = await freePort();
      programs.push(await app.start('server.ts', { env: { ...env, PORT: String(port) }, port }));
      ports.push(port);
    }
    // The load balancer: sends each request to the instance the test names, and keeps the
    // Cookie header of the last one (what a thief copies).
    let target = 0;
    let lastCookie = '';
    balancer = await startBalancer(publicPort, (req) => {
      lastCookie = req.headers.cookie ?? '';
      return ports[target]!;
    });

    const browser = new UserAgent();
    const authorization = await browser.followUntilLeaving(`${publicUrl}/account`, publicUrl);
    const callback = await signInAtEmulator(authorization, 'alice');
    expect(await locationOf(await browser.get(callback))).toBe(`${publicUrl}/account`);
    target = 1;
    const onB = await browser.get(`${publicUrl}/account`);
    expect(onB.status).toBe(200);
    const { user, csrf } = (await onB.json()) as { user: { username: string }; csrf: string };
    expect(user.username).toBe('alice');
    const copy = lastCookie;

    target = 0;
    const out = await browser.request(`${publicUrl}/auth/neverlose/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }).toString(),
    });
    expect(out.status).toBe(303);
    for (const instance of [0, 1]) {
      target = instance;
      const replay = await fetch(`${publicUrl}/account`, {
        headers: { cookie: copy },
        redirect: 'manual',
      });
      expect(replay.status, `instance ${'AB'[instance]}`).toBe(302);
    }
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import {
  type PostgresCluster,
  startPostgresCluster,
} from '@neverlose-toolkit/test-support/postgres-cluster';
import { deployments, type TestRedis } from '@neverlose-toolkit/test-support/redis-server';
import { locationOf, UserAgent } from '@neverlose-toolkit/test-support/user-agent';
import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBalancer } from '../support/balancer.js';
import { type BrowserSession, openBrowser } from '../support/browser.js';
import { repoRoot } from '../support/packed.js';
import { signInAtEmulator } from '../support/sign-in.js';

const LOGIN_PATH = '/auth/neverlose';

/** Where the two instances keep their sessions. */
type Sessions =
  | { kind: 'redis'; redis: TestRedis }
  | { kind: 'postgres'; url: string }
  | { kind: 'memory' };

/** Two express-passport processes behind one public address, as behind a load balancer. */
async function startDeployment(sessions: Sessions) {
  const publicPort = await freePort();
  const publicUrl = `http://127.0.0.1:${publicPort}`;
  const emulator: RunningEmulator = await startEmulator({
    config: defaultConfig({ redirectUris: [`${publicUrl}${LOGIN_PATH}/callback`] }),
  });
  const sessionSecret = randomBytes(32).toString('base64url');
  const instances: { port: number; child: ChildProcess }[] = [];
  for (const _ of [0, 1]) {
    const port = await freePort();
    const child = spawn(process.execPath, [`${repoRoot}/examples/express-passport/dist/main.js`], {
      env: {
        ...process.env,
        PORT: String(port),
        PUBLIC_URL: publicUrl,
        NEVERLOSE_ISSUER: emulator.issuer,
        NEVERLOSE_CLIENT_ID: 'emulator-client',
        NEVERLOSE_CLIENT_SECRET: 'emulator-secret',
        NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
        SESSION_SECRET: sessionSecret,
        REDIS_URL: sessions.kind === 'redis' ? sessions.redis.url : '',
        DATABASE_URL: sessions.kind === 'postgres' ? sessions.url : '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`instance exited (${code})`)));
      child.stdout!.on(
        'data',
        (chunk: Buffer) => chunk.toString().includes('listening') && resolve(),
      );
    });
    instances.push({ port, child });
  }
  // The "load balancer": the login starts on instance A, everything else goes to instance B.
  const routed: string[] = [];
  const proxy = await startBalancer(publicPort, (req) => {
    const path = new URL(req.url ?? '/', publicUrl).pathname;
    const target = path === LOGIN_PATH ? 0 : 1;
    routed.push(`${path} -> ${'AB'[target]}`);
    return instances[target]!.port;
  });
  return {
    publicUrl,
    routed,
    async stop() {
      for (const instance of instances) instance.child.kill();
      await proxy.stop();
      await emulator.stop();
    },
  };
}

async function logIn(session: BrowserSession, publicUrl: string): Promise<void> {
  const { page } = session;
  await page.goto(`${publicUrl}/`);
  await page.click('#login');
  await page.locator('#signin-form').waitFor();
  await page.click('#signin-user-alice');
  await page.locator('#consent-form').waitFor();
  await page.click('#consent-allow');
  await page.waitForLoadState('load');
}

describe.each(deployments)('express-passport on two instances sharing $name', ({ start }) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await start();
  });
  afterAll(() => redis?.stop());

  it('completes on instance B a login started on instance A when sessions are in Redis', async () => {
    await loginMovesBetweenInstances(
      { kind: 'redis', redis },
      `multi-instance-login-${redis.kind}`,
    );
  });
});

describe('express-passport on two instances sharing PostgreSQL', () => {
  /** `DATABASE_URL` when set (CI starts one), else a throwaway cluster of our own. */
  let postgres: PostgresCluster | undefined;
  let databaseUrl: string;
  beforeAll(async () => {
    postgres = process.env['DATABASE_URL'] ? undefined : await startPostgresCluster();
    databaseUrl = process.env['DATABASE_URL'] ?? postgres!.url;
  });
  afterAll(() => postgres?.stop());

  it('completes on instance B a login started on instance A when sessions are in PostgreSQL', async () => {
    await loginMovesBetweenInstances(
      { kind: 'postgres', url: databaseUrl },
      'multi-instance-login-postgres',
    );
  });
});

async function loginMovesBetweenInstances(sessions: Sessions, suite: string): Promise<void> {
  const deployment = await startDeployment(sessions);
  const session = await openBrowser(suite);
  try {
    await logIn(session, deployment.publicUrl);
    await session.shot('signed-in-on-the-other-instance');
    await expect(session.page.locator('#profile-username').textContent()).resolves.toBe('alice');
    expect(deployment.routed).toContain(`${LOGIN_PATH} -> A`);
    expect(deployment.routed).toContain(`${LOGIN_PATH}/callback -> B`);

    // The login is bound to the browser that started it, whichever instance serves the callback:
    // a callback URL carried to another browser (login CSRF) signs nobody in there, and the login
    // stays for the browser that started it.
    const attacker = new UserAgent();
    const start = await attacker.get(`${deployment.publicUrl}${LOGIN_PATH}`);
    const callback = await signInAtEmulator(await locationOf(start), 'bob');
    const elsewhere = await new UserAgent().get(callback);
    expect(elsewhere.status).toBe(400);
    expect(await locationOf(await attacker.get(callback))).toBe('/profile');
    expect(deployment.routed.filter((line) => line === `${LOGIN_PATH}/callback -> B`)).toHaveLength(
      3,
    );
  } finally {
    await session.close();
    await deployment.stop();
  }
}

describe('express-passport on two instances without Redis', () => {
  it('fails that login with per-process memory sessions (the control)', async () => {
    const deployment = await startDeployment({ kind: 'memory' });
    const session = await openBrowser('multi-instance-login-control');
    try {
      const callback = session.page.waitForResponse((response) =>
        response.url().includes(`${LOGIN_PATH}/callback`),
      );
      await logIn(session, deployment.publicUrl);
      expect((await callback).status()).toBe(400);
      await expect(session.page.locator('#profile-username').count()).resolves.toBe(0);
    } finally {
      await session.close();
      await deployment.stop();
    }
  });
});

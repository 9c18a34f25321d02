import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import { startSilentServer } from '@neverlose-toolkit/test-support/silent-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/packed.js';
import { spawnProgram } from '../support/program.js';

// Every reference app started as its README starts it (`node dist/main.js`), with a store URL
// nobody answers: a closed port, and a server that accepts and never answers; REDIS_URL and
// DATABASE_URL, each alone. Each must end its start-up within its deadline (plus its start-up on a
// loaded machine), exit non-zero, and say so in one line naming the variable and the cause: no
// hang, no line per reconnect, no stack trace.

/**
 * Past the deadline: the apps' start-up. Several apps start at once, beside the rest of the slow
 * project: alone, an app took 1.6–3.5 s more than its Redis deadline to exit; in a full CI run,
 * some took over 5 s. The bound proves that start-up ends; the lower bound (Redis, which retries
 * until its deadline), that it waited for the deadline.
 */
const MARGIN_MS = 30_000;

const LOGIN_ENV = {
  HOST: '127.0.0.1',
  NEVERLOSE_ISSUER: 'http://127.0.0.1:9/',
  NEVERLOSE_CLIENT_ID: 'client',
  NEVERLOSE_CLIENT_SECRET: 'secret',
  NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
  SESSION_SECRET: 'store-unanswered-session-secret-0123456789',
};

const SHOP_ENV = () => ({
  HOST: '127.0.0.1',
  NEVERLOSE_USER_ID: '1',
  NEVERLOSE_API_KEY: 'key',
  NEVERLOSE_INTEGRATION_ID: '100',
  NEVERLOSE_MARKET_URL: 'http://127.0.0.1:9/api/market',
  NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
  JOURNAL_PATH: join(mkdtempSync(join(tmpdir(), 'store-unanswered-')), 'journal.db'),
});

let silent: Awaited<ReturnType<typeof startSilentServer>>;
let closedPort: number;
beforeAll(async () => {
  [silent, closedPort] = await Promise.all([startSilentServer(), freePort()]);
});
afterAll(() => silent?.stop());

/** An unanswered store: the variable that names it, and what each app's line says of it. */
interface Failure {
  readonly what: string;
  readonly variable: 'REDIS_URL' | 'DATABASE_URL';
  readonly url: () => string;
  readonly cause: () => string;
  /** The apps give up within this time. */
  readonly deadlineMs: number;
  /** True when the apps retry until the deadline rather than give up at the first refusal. */
  readonly retries: boolean;
}

/** The Redis client reconnects until the apps' 10 s connect deadline, then names its last attempt. */
const REDIS_DEADLINE_MS = 10_000;
/** PostgreSQL: the pool's 5 s connection timeout ends start-up (a refusal at once). */
const POSTGRES_DEADLINE_MS = 5_000;

const failures: readonly Failure[] = [
  {
    what: 'REDIS_URL on a closed port',
    variable: 'REDIS_URL',
    url: () => `redis://127.0.0.1:${closedPort}`,
    cause: () => `ECONNREFUSED 127.0.0.1:${closedPort}`,
    deadlineMs: REDIS_DEADLINE_MS,
    retries: true,
  },
  {
    what: 'REDIS_URL on a server that never answers',
    variable: 'REDIS_URL',
    url: () => `redis://127.0.0.1:${silent.port}`,
    cause: () => 'never answered',
    deadlineMs: REDIS_DEADLINE_MS,
    retries: true,
  },
  {
    what: 'DATABASE_URL on a closed port',
    variable: 'DATABASE_URL',
    url: () => `postgres://postgres@127.0.0.1:${closedPort}/postgres`,
    cause: () => `ECONNREFUSED 127.0.0.1:${closedPort}`,
    deadlineMs: POSTGRES_DEADLINE_MS,
    retries: false,
  },
  {
    what: 'DATABASE_URL on a server that never answers',
    variable: 'DATABASE_URL',
    url: () => `postgres://postgres@127.0.0.1:${silent.port}/postgres`,
    cause: () => 'connection timeout',
    deadlineMs: POSTGRES_DEADLINE_MS,
    retries: false,
  },
];

/** Every reference app: each reads both REDIS_URL and DATABASE_URL. */
const apps: { name: string; env: () => Record<string, string> }[] = [
  { name: 'hono', env: () => LOGIN_ENV },
  { name: 'web-standard', env: () => LOGIN_ENV },
  { name: 'express-passport', env: () => LOGIN_ENV },
  { name: 'reseller-shop', env: SHOP_ENV },
];

// The apps wait in parallel: the deadlines of every case in the time of a few.
describe.concurrent('a reference app with a store URL nobody answers', () => {
  for (const app of apps) {
    for (const { what, variable, url, cause, deadlineMs, retries } of failures) {
      it(`examples/${app.name}, ${what}: exits non-zero within the deadline, in one line naming ${variable} and the cause`, async () => {
        const port = await freePort();
        const started = performance.now();
        const running = spawnProgram(process.execPath, [`examples/${app.name}/dist/main.js`], {
          cwd: repoRoot,
          // Only the store under test: the run's DATABASE_URL would take precedence over REDIS_URL.
          env: {
            ...app.env(),
            PORT: String(port),
            REDIS_URL: '',
            DATABASE_URL: '',
            LOGIN_STORE: '',
            [variable]: url(),
          },
        });
        const code = await running.exit(deadlineMs + MARGIN_MS);
        const elapsed = performance.now() - started;
        const lines = running
          .output()
          .split('\n')
          .filter((line) => line.trim() !== '');
        expect(code, running.output()).not.toBe(0);
        expect(lines, running.output()).toHaveLength(1);
        expect(lines[0]).toContain(variable);
        expect(lines[0]).toContain(cause());
        expect(elapsed).toBeLessThan(deadlineMs + MARGIN_MS);
        if (retries) expect(elapsed).toBeGreaterThanOrEqual(deadlineMs);
      });
    }
  }
});

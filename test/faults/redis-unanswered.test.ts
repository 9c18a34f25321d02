import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import { startSilentServer } from '@neverlose-toolkit/test-support/silent-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/packed.js';
import { spawnProgram } from '../support/program.js';

// Every reference app that opens Redis from REDIS_URL, started as its README starts it (`node
// dist/main.js`), with a REDIS_URL nobody answers: a closed port, and a server that accepts and
// never answers. Each must end its start-up within its 10 s deadline (plus its start-up on a loaded
// machine), exit non-zero, and say so in one line naming REDIS_URL and the last attempt: no hang,
// no line per reconnect, no stack trace.

/** The apps' connect deadline. */
const DEADLINE_MS = 10_000;
/**
 * Past the deadline: the apps' start-up. Eight apps start at once, beside the rest of the slow
 * project: alone, an app took 1.6–3.5 s more than its deadline to exit; in a full CI run, some took
 * over 5 s. The bound proves that start-up ends; the lower bound, that it waited for the deadline.
 */
const MARGIN_MS = 30_000;

const LOGIN_ENV = {
  HOST: '127.0.0.1',
  NEVERLOSE_ISSUER: 'http://127.0.0.1:9/',
  NEVERLOSE_CLIENT_ID: 'client',
  NEVERLOSE_CLIENT_SECRET: 'secret',
  NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
  SESSION_SECRET: 'redis-unanswered-session-secret-0123456789',
};

const apps: { name: string; env: () => Record<string, string> }[] = [
  { name: 'hono', env: () => LOGIN_ENV },
  { name: 'web-standard', env: () => LOGIN_ENV },
  { name: 'express-passport', env: () => LOGIN_ENV },
  {
    name: 'reseller-shop',
    env: () => ({
      HOST: '127.0.0.1',
      NEVERLOSE_USER_ID: '1',
      NEVERLOSE_API_KEY: 'key',
      NEVERLOSE_INTEGRATION_ID: '100',
      NEVERLOSE_MARKET_URL: 'http://127.0.0.1:9/api/market',
      NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
      JOURNAL_PATH: join(mkdtempSync(join(tmpdir(), 'redis-unanswered-')), 'journal.db'),
    }),
  },
];

let silent: Awaited<ReturnType<typeof startSilentServer>>;
let closedPort: number;
beforeAll(async () => {
  [silent, closedPort] = await Promise.all([startSilentServer(), freePort()]);
});
afterAll(() => silent?.stop());

const unanswered = [
  {
    what: 'a closed port',
    url: () => `redis://127.0.0.1:${closedPort}`,
    lastAttempt: () => `ECONNREFUSED 127.0.0.1:${closedPort}`,
  },
  {
    what: 'a server that never answers',
    url: () => `redis://127.0.0.1:${silent.port}`,
    lastAttempt: () => 'never answered',
  },
];

// The apps wait in parallel: eight deadlines in the time of one.
describe.concurrent.each(apps)(
  'examples/$name with a REDIS_URL nobody answers',
  ({ name, env }) => {
    it.each(unanswered)(
      '$what: exits non-zero within the deadline, in one line naming REDIS_URL and the last attempt',
      async ({ url, lastAttempt }) => {
        const port = await freePort();
        const started = performance.now();
        const running = spawnProgram(process.execPath, [`examples/${name}/dist/main.js`], {
          cwd: repoRoot,
          // The run's DATABASE_URL would take precedence over REDIS_URL.
          env: {
            ...env(),
            PORT: String(port),
            REDIS_URL: url(),
            DATABASE_URL: '',
            LOGIN_STORE: '',
          },
        });
        const code = await running.exit(DEADLINE_MS + MARGIN_MS);
        const elapsed = performance.now() - started;
        const lines = running
          .output()
          .split('\n')
          .filter((line) => line.trim() !== '');
        expect(code, running.output()).not.toBe(0);
        expect(lines, running.output()).toHaveLength(1);
        expect(lines[0]).toContain('REDIS_URL');
        expect(lines[0]).toContain(lastAttempt());
        expect(elapsed).toBeLessThan(DEADLINE_MS + MARGIN_MS);
        expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS);
      },
    );
  },
);

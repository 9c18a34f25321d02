import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import { type Program, spawnProgram } from './program.js';
import type { ReadmeApp } from './readme-app.js';

/**
 * The paths of neverlose-market's README, each followed as a newcomer would: its snippet file run
 * as a program against a running neverlose-emulator, driven until it is paid (or delivered,
 * received, pushed). The same paths run on the workspace build (`test/docs/market-snippets.test.ts`)
 * and on the packed tarballs installed with npm (`test/first-hour/`): only the host differs.
 *
 * The emulator is reached over HTTP only (its admin API for faults and the ledger), so it may be
 * in-process or `npx neverlose-emulator` from a tarball.
 */
export interface SnippetHost {
  /** Starts the README snippet `name` (`snippets/<name>.ts`) as a program in `cwd`. */
  start(name: string, options: { cwd: string; env: NodeJS.ProcessEnv; args?: string[] }): Program;
  /** Runs the README's shell snippet `name` (`snippets/<name>.sh`) with bash in `cwd`. */
  shell(name: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Program;
  /** Runs `neverlose-emulator` with `args` (its `trigger` command). */
  emulatorCli(args: string[], env: NodeJS.ProcessEnv): Program;
}

/**
 * The host of a {@link ReadmeApp} holding the README's files: a `.ts` file runs as the app runs
 * TypeScript, a `.sh` one with bash; both with the app's `bin` (its `node_modules/.bin`: the
 * README's `nl-market`) on `PATH`.
 */
export function readmeAppHost(
  app: ReadmeApp,
  bin: string,
  emulatorCli: SnippetHost['emulatorCli'],
): SnippetHost {
  const PATH = `${bin}:${process.env['PATH']}`;
  return {
    start: (name, { cwd, env, args = [] }) =>
      app.run(join(app.dir, `${name}.ts`), { cwd, env: { ...env, PATH }, args }),
    shell: (name, { cwd, env }) =>
      spawnProgram('bash', ['-e', join(app.dir, `${name}.sh`)], { cwd, env: { ...env, PATH } }),
    emulatorCli,
  };
}

/** What a path is given: the emulator's URL and the host that runs the snippets. */
export interface PathContext {
  readonly emulatorUrl: string;
  readonly host: SnippetHost;
  /** A fresh directory for the path's files (`market.db`), as a new app folder. */
  readonly dir: string;
}

/** The environment the market README tells a developer to export for the emulator. */
export function emulatorEnv(emulatorUrl: string): NodeJS.ProcessEnv {
  return {
    NEVERLOSE_USER_ID: '10',
    NEVERLOSE_API_KEY: 'emulator-reseller-key',
    NEVERLOSE_INTEGRATION_ID: '100',
    NEVERLOSE_MARKET_URL: `${emulatorUrl}/api/market`,
  };
}

/** Calls the emulator's admin API (JSON). */
export async function adminApi(
  emulatorUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${emulatorUrl}/admin/api${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

interface LedgerEntry {
  readonly method: string;
  readonly params: Record<string, unknown>;
}

const ledger = async (url: string) => (await adminApi(url, 'GET', '/ledger')) as LedgerEntry[];
const expectThat = (ok: boolean, what: string, output = ''): void => {
  if (!ok) throw new Error(`${what}${output === '' ? '' : `\n--- output ---\n${output}`}`);
};

/**
 * Files of the README that are tests, not programs: the store contract is a file of the user's
 * own test suite (vitest), run by packages/market/test/stores/readme-snippet.test.ts.
 */
export const marketTestFiles: ReadonlySet<string> = new Set(['store-contract.ts']);

/** One path of the README, and how it ends: delivered, paid, received, pushed. */
export interface MarketPath {
  readonly name: string;
  /** The snippet files it runs (`snippets/<name>.ts` or `.sh`). */
  readonly snippets: readonly string[];
  run(context: PathContext): Promise<string>;
}

export const marketPaths: readonly MarketPath[] = [
  {
    name: 'webhook receiver: a transfer sent with trigger is received once',
    snippets: ['webhooks'],
    async run({ emulatorUrl, host, dir }) {
      const env = emulatorEnv(emulatorUrl);
      const port = await freePort();
      const app = host.start('webhooks', { cwd: dir, env: { ...env, PORT: String(port) } });
      try {
        await app.waitFor(/Webhooks: POST/);
        const to = `http://127.0.0.1:${port}/webhooks`;
        for (let i = 0; i < 2; i++) {
          const trigger = host.emulatorCli(
            ['trigger', 'transfer', '--to', to, '--unique-id', '7'],
            env,
          );
          expectThat((await trigger.exit()) === 0, 'trigger failed', trigger.output());
        }
        const line = await app.waitFor(/alice sent 1\.0 NLE \(unique_id 7\)/);
        expectThat(app.output().split(line).length === 2, 'the redelivery ran again', app.output());
        return line;
      } finally {
        await app.stop();
      }
    },
  },
  {
    name: 'journaled money call: run twice, applied once',
    snippets: ['client'],
    async run({ emulatorUrl, host, dir }) {
      const env = emulatorEnv(emulatorUrl);
      const outputs: string[] = [];
      for (let i = 0; i < 2; i++) {
        const call = host.start('client', { cwd: dir, env, args: ['order-17', 'alice'] });
        expectThat((await call.exit()) === 0, 'the money call failed', call.output());
        outputs.push(call.output().trim());
      }
      // The second run answers from the journal without sending (or, had the first answer been
      // lost, from the provider's "Invalid id."): completed either way, once.
      expectThat(
        outputs[0] === 'order-17: completed' &&
          /^order-17: (already-)?completed$/.test(outputs[1] ?? ''),
        `unexpected outputs ${JSON.stringify(outputs)}`,
      );
      const gifts = (await ledger(emulatorUrl)).filter((e) => e.method === 'gift-product');
      expectThat(gifts.length === 1, `${gifts.length} gifts in the ledger`);
      return outputs.join(', ');
    },
  },
  {
    name: 'checkout fulfilment: the first delivery fails, opening the URL again completes it once',
    snippets: ['checkout'],
    async run({ emulatorUrl, host, dir }) {
      const port = await freePort();
      const env = { ...emulatorEnv(emulatorUrl), PORT: String(port) };
      const app = host.start('checkout', { cwd: dir, env });
      try {
        await app.waitFor(/Checkout: /);
        // The buyer paid on the emulator's checkout (alice, the NLE top-up, integration 100).
        const { redirectUrl } = (await adminApi(emulatorUrl, 'POST', '/checkout', {
          login: 'alice',
          integrationId: 100,
          product: 'marketplace',
          nle: '10',
        })) as { redirectUrl: string };
        // The emulator redirects to port 3000; this app listens on a free port.
        const target = new URL(redirectUrl);
        const url = `http://127.0.0.1:${port}${target.pathname}${target.search}`;
        // The first delivery fails: every attempt's connection is reset.
        await adminApi(emulatorUrl, 'POST', '/faults', {
          method: 'transfer-money',
          kind: 'reset',
          count: 4,
        });
        const failed = await fetch(url);
        const failedText = await failed.text();
        expectThat(
          failed.status === 502,
          `first visit: ${failed.status} ${failedText}`,
          app.output(),
        );
        const transfers = async () =>
          (await ledger(emulatorUrl)).filter((e) => e.method === 'transfer-money').length;
        expectThat((await transfers()) === 0, 'a failed delivery was applied');
        const retried = await fetch(url);
        const text = await retried.text();
        expectThat(
          retried.status === 200 && text === '10 NLE for alice: completed',
          `retry: ${retried.status} ${text}`,
          app.output(),
        );
        const again = await fetch(url);
        expectThat(again.status === 200, `third visit: ${again.status} ${await again.text()}`);
        expectThat((await transfers()) === 1, `${await transfers()} transfers in the ledger`);
        return text;
      } finally {
        await app.stop();
      }
    },
  },
  {
    name: 'reseller prices: pushed',
    snippets: ['prices'],
    async run({ emulatorUrl, host, dir }) {
      const push = host.start('prices', { cwd: dir, env: emulatorEnv(emulatorUrl) });
      expectThat((await push.exit()) === 0, 'the push failed', push.output());
      const state = (await adminApi(emulatorUrl, 'GET', '/world')) as {
        marketAccounts: { integration?: { prices?: { prices?: Record<string, unknown> } } }[];
      };
      const prices = state.marketAccounts[0]?.integration?.prices?.prices ?? {};
      expectThat(
        'cs2-30' in prices && 'marketplace' in prices,
        `prices: ${JSON.stringify(prices)}`,
      );
      return push.output().trim();
    },
  },
  {
    name: 'the CLI: every command of the README',
    snippets: ['cli'],
    async run({ emulatorUrl, host, dir }) {
      const cli = host.shell('cli', { cwd: dir, env: emulatorEnv(emulatorUrl) });
      const code = await cli.exit();
      const out = cli.output();
      expectThat(code === 0, `exit ${code}`, out);
      for (const expected of ['1000', 'completed', '"success": true', 'pushed', 'valid purchase'])
        expectThat(out.includes(expected), `no "${expected}"`, out);
      const methods = (await ledger(emulatorUrl)).map((e) => e.method);
      expectThat(
        methods.join() === 'gift-product,transfer-money',
        `ledger: ${methods.join()}`,
        out,
      );
      return 'exit 0';
    },
  },
  {
    name: 'signing: the docs’ webhook verifies',
    snippets: ['signing'],
    async run({ emulatorUrl, host, dir }) {
      const run = host.start('signing', { cwd: dir, env: emulatorEnv(emulatorUrl) });
      expectThat((await run.exit()) === 0, 'signing failed', run.output());
      expectThat(
        /^[0-9a-f]{64} \{.*"signature":"[0-9a-f]{64}"\}\nvalid$/.test(run.output().trim()),
        'output',
        run.output(),
      );
      return 'valid';
    },
  },
  {
    name: 'business keys: one transfer for two calls',
    snippets: ['business-keys'],
    async run({ emulatorUrl, host, dir }) {
      const run = host.start('business-keys', { cwd: dir, env: emulatorEnv(emulatorUrl) });
      expectThat((await run.exit()) === 0, 'failed', run.output());
      expectThat(run.output().trim() === 'completed already-completed', 'output', run.output());
      const transfers = (await ledger(emulatorUrl)).filter((e) => e.method === 'transfer-money');
      expectThat(transfers.length === 1, `${transfers.length} transfers`);
      return run.output().trim();
    },
  },
  {
    name: 'observability: the events of a call',
    snippets: ['observability'],
    async run({ emulatorUrl, host, dir }) {
      const run = host.start('observability', { cwd: dir, env: emulatorEnv(emulatorUrl) });
      expectThat((await run.exit()) === 0, 'failed', run.output());
      for (const line of [/market get-balance ok in \d+/, /balance: 1000 NLE/])
        expectThat(line.test(run.output()), `no ${line}`, run.output());
      expectThat(!run.output().includes('emulator-reseller-key'), 'the API key was printed');
      return 'balance: 1000 NLE';
    },
  },
  {
    name: 'testing webhooks: the README’s test file passes',
    snippets: ['testing-webhooks'],
    async run({ emulatorUrl, host, dir }) {
      const run = host.start('testing-webhooks', { cwd: dir, env: emulatorEnv(emulatorUrl) });
      expectThat((await run.exit()) === 0, 'the tests failed', run.output());
      expectThat(/# pass 3\b/.test(run.output()), 'not 3 passing tests', run.output());
      return '3 passed';
    },
  },
];

/** A fresh directory for one path's files. */
export function pathDir(prefix = 'neverlose-market-path-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

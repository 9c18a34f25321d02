import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildDir, buildForHosts, buildForWorkerd } from './build.js';
import { cellTitle, checkCell, expectedFailures } from './expected-failures.js';
import type { Outcome, RuntimeContext } from './harness.js';
import { hostRuntimes, versionOf, workerd } from './runtimes.js';
import { type SurfaceName, surfaces } from './surfaces/index.js';
import { nodeOnlySurfaces } from './surfaces/node-only.js';
import { workerdVersion } from './worker-build.mjs';

// Every portable surface's checks on every runtime, against one emulator on the host's Node (the
// runtimes reach it over loopback), and the Node.js-only packages' surfaces on every runtime but
// workerd (against the same emulator and the run's Redis and PostgreSQL). A runtime runs all its
// surfaces in one process (workerd: one Worker, without nodejs_compat); each surface loads by
// itself, so one that cannot load fails alone. Known failures are listed in expected-failures.ts
// with their reason.

const REDIRECT_URI = 'http://127.0.0.1:3000/callback';
const portableNames = Object.keys(surfaces) as SurfaceName[];
const surfaceNames = [...portableNames, ...(Object.keys(nodeOnlySurfaces) as SurfaceName[])];
/** The cell of a surface a runtime does not run. */
const NOT_RUN = 'not run: Node.js only';

/** A server of the run (packages/test-support/src/servers/), started by the slow project's globalSetup. */
function serverUrl(variable: 'REDIS_URL' | 'DATABASE_URL'): string {
  const url = process.env[variable];
  if (!url) throw new Error(`${variable} is unset: run the matrix in the slow project`);
  return url;
}

let emulator: RunningEmulator;
let hostEntry: string;
let workerDir: string;
/** The context each runtime is given (its `runtime` field aside). */
let shared: Omit<RuntimeContext, 'runtime'>;

beforeAll(async () => {
  emulator = await startEmulator({ config: defaultConfig({ redirectUris: [REDIRECT_URI] }) });
  // Integration 100 is private: its owner, `reseller`, is the one who sees it at checkout.
  const order = { login: 'reseller', integrationId: 100, product: 'csgo', cnt: 0 };
  [hostEntry, workerDir] = await Promise.all([buildForHosts(), buildForWorkerd()]);
  shared = {
    emulator: {
      url: emulator.url,
      clientId: 'emulator-client',
      clientSecret: 'emulator-secret',
      redirectUri: REDIRECT_URI,
      resellerUserId: 10,
      resellerKey: 'emulator-reseller-key',
      integrationId: order.integrationId,
      checkoutToken: (await emulator.checkout(order)).token,
    },
    redisUrl: serverUrl('REDIS_URL'),
    databaseUrl: serverUrl('DATABASE_URL'),
  };
});

/** The cells seen, written to test/runtimes/test-results/matrix.md once every runtime ran. */
const table = new Map<string, { version: string; cells: Map<SurfaceName, string> }>();

afterAll(async () => {
  await emulator?.stop();
  if (table.size === 0) return;
  const runtimes = [...table.keys()];
  const lines = [
    `| surface | ${runtimes.map((id) => `${id} (${table.get(id)!.version})`).join(' | ')} |`,
    `| --- | ${runtimes.map(() => '---').join(' | ')} |`,
    ...surfaceNames.map(
      (name) =>
        `| ${name} | ${runtimes.map((id) => table.get(id)!.cells.get(name) ?? NOT_RUN).join(' | ')} |`,
    ),
  ];
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(join(buildDir, '..', 'matrix.md'), `${lines.join('\n')}\n`);
});

/** Runs a command to its end; never throws (a runtime that fails to start is a finding). */
function run(command: string, args: string[], input?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      command,
      args,
      { cwd: import.meta.dirname, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          stderr,
        });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

/** The outcomes printed on the last line, or one failed outcome per surface saying why none came. */
function outcomesOf(stdout: string, failure: string, names: readonly SurfaceName[]): Outcome[] {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    const parsed = JSON.parse(last) as { outcomes?: Outcome[] };
    if (Array.isArray(parsed.outcomes)) return parsed.outcomes;
  } catch {
    // no JSON: the runtime died before reporting
  }
  return names.map((surface) => ({ surface, check: '(run)', ok: false, error: failure }));
}

const runners = [
  ...hostRuntimes.map((runtime) => ({
    id: runtime.id,
    version: () => versionOf(runtime.command),
    surfaces: surfaceNames,
    outcomes: async (context: RuntimeContext) => {
      const result = await run(runtime.command, runtime.args(hostEntry, JSON.stringify(context)));
      return outcomesOf(
        result.stdout,
        `exit ${result.code}: ${result.stderr.slice(-2000)}`,
        surfaceNames,
      );
    },
  })),
  {
    id: workerd.id,
    version: workerdVersion,
    // The Worker holds the portable surfaces only (worker.ts).
    surfaces: portableNames,
    outcomes: async (context: RuntimeContext) => {
      const result = await run(workerd.command, workerd.args(workerDir), JSON.stringify(context));
      const line = JSON.parse(result.stdout.trim().split('\n').at(-1) || '{}') as {
        body?: string;
        error?: string;
      };
      return outcomesOf(
        line.body ?? '',
        `exit ${result.code}: ${line.error ?? ''}${result.stderr.slice(-2000)}`,
        portableNames,
      );
    },
  },
];

describe.each(runners)('on $id', (runner) => {
  let outcomes: Outcome[] = [];
  const cells = new Map<SurfaceName, string>();

  beforeAll(async () => {
    outcomes = await runner.outcomes({ ...shared, runtime: runner.id });
    table.set(runner.id, { version: runner.version(), cells });
  });

  for (const name of runner.surfaces) {
    const expected = expectedFailures[runner.id]?.[name];
    it(cellTitle(name, expected), () => {
      const mine = outcomes.filter((outcome) => outcome.surface === name);
      const failures = mine
        .filter((outcome) => !outcome.ok)
        .map((outcome) => `${outcome.check}: ${outcome.error}`);
      if (mine.length === 0) failures.push('no check ran');
      cells.set(name, failures.length === 0 ? 'passes' : `fails: ${failures[0]!.split('\n')[0]}`);
      checkCell(failures, expected);
    });
  }
});

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { writeSuite } from '@neverlose-toolkit/test-support/bench-report';
import { startPostgresCluster } from '@neverlose-toolkit/test-support/postgres-cluster';
import {
  type OwnCluster,
  startOwnCluster,
  untilReplicaLinkUp,
} from '@neverlose-toolkit/test-support/redis-server';
import { startSilentServer } from '@neverlose-toolkit/test-support/silent-server';
import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { keyRequestId } from 'neverlose-market/client';
import { openSqliteIdJournal } from 'neverlose-market/sqlite';
import { migrate } from 'neverlose-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterNodes,
  exitOf,
  inspectRedis,
  movableAddress,
  promoteLaggingReplica,
  redisCommand,
  redisServer,
  smallDisk,
  startStandby,
  step,
  wrongPasswordUrl,
} from './fault-servers.js';

// The fault matrix: each store under each way it fails in production, a fulfilment worker
// (store-worker.mjs, its own process) delivering money operations through MarketClient and the
// store's journal while it fails, then every operation delivered once more after recovery. Each
// cell counts operations applied twice, lost, orphan rows (pending entries resumePending() cannot
// find, or left pending), crashed processes, and journal calls past their deadline. The target of
// every cell is 0 in each; Redis without waitForReplicas loses acknowledged writes by design, and
// what that costs is counted ("forgotten": entries of applied operations the journal lost).
//
//   pnpm exec vitest run --project slow test/faults/store-matrix.test.ts
//   NEVERLOSE_WRITE_BENCH=1 ... (or pnpm bench store-matrix) writes the table for BENCHMARKS.md.

const OPERATIONS = 120;
const CONCURRENCY = 6;
/** The journals' deadline in this matrix (timeoutMs; SQLite's busyTimeoutMs). */
const DEADLINE_MS = 1000;
/** How long past its budget a worker may run before it is taken as hung and killed. */
const WORKER_GRACE_MS = 60_000;
const execFileAsync = promisify(execFile);
const node22 = join(import.meta.dirname, '..', 'runtimes', 'node_modules', 'node22', 'bin', 'node');

interface Line {
  stage?: string;
  key?: string;
  method?: string;
  id?: string;
  status?: string;
  fromJournal?: boolean;
  refused?: string;
  summary?: Summary;
}
interface Summary {
  finished: number;
  unfinished: number;
  resumed: number;
  resumeRefused: number;
  refused: number;
  refusedBy: Record<string, number>;
  journalCalls: { count: number; pastDeadline: number; slowestMs: number; mostStalledMs: number };
  openFailed?: string;
}
interface Phase {
  lines: Line[];
  summary: Summary | undefined;
  crashed: boolean;
  /** It finished and closed its client, which kept the process up until it exited by itself. */
  lingered: boolean;
}

type Store =
  | { kind: 'postgres'; url: string; tablePrefix: string; hook?: 'swallow' }
  | { kind: 'redis'; url: string; prefix: string; waitForReplicas?: number }
  | { kind: 'redis-cluster'; nodes: readonly string[]; prefix: string; waitForReplicas?: number }
  | { kind: 'sqlite'; file: string; driver: 'node:sqlite' | 'better-sqlite3' };

interface Run {
  store: Store;
  keyPrefix: string;
  marketUrl?: string;
  resume?: boolean;
  budgetMs: number;
  retries?: number;
  node?: string;
}

let emulator: RunningEmulator;
const marketUrl = () => `${emulator.url}/api/market`;

/** Runs the worker to its end; `onFinished` sees the count of finished operations. */
async function runWorker(run: Run, onFinished?: (finished: number) => void): Promise<Phase> {
  const spec = {
    marketUrl: run.marketUrl ?? marketUrl(),
    store: run.store,
    keyPrefix: run.keyPrefix,
    first: 0,
    count: OPERATIONS,
    concurrency: CONCURRENCY,
    timeoutMs: DEADLINE_MS,
    resume: run.resume === true,
    budgetMs: run.budgetMs,
    retries: run.retries,
  };
  const child: ChildProcess = spawn(
    run.node ?? process.execPath,
    [join(import.meta.dirname, 'store-worker.mjs'), JSON.stringify(spec)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const lines: Line[] = [];
  let finished = 0;
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      line = { stage: `printed: ${text.slice(0, 200)}` };
    }
    lines.push(line);
    if (line.key !== undefined && line.status !== 'unfinished') onFinished?.(++finished);
  });
  // A worker is done by its budget; one still running well after it hangs on a call that never
  // settles: it is killed, its last lines printed, and the cell counts it as crashed.
  const hung = setTimeout(() => {
    console.error(
      `worker still running ${run.budgetMs + WORKER_GRACE_MS} ms after it started; last lines:\n${lines
        .slice(-5)
        .map((line) => JSON.stringify(line))
        .join('\n')}\n${stderr.slice(-2000)}`,
    );
    child.kill('SIGKILL');
  }, run.budgetMs + WORKER_GRACE_MS);
  const code = await exitOf(child).finally(() => clearTimeout(hung));
  const summary = lines.find((line) => line.summary)?.summary;
  const crashed = code !== 0 || summary === undefined;
  if (crashed) console.error(`worker exited ${code}: ${stderr.slice(-2000)}`);
  const lingered = lines.some((line) => line.stage === 'lingered');
  return { lines, summary, crashed, lingered };
}

/** The request id of operation `i` of a cell: a business key names one per method. */
function operationIds(keyPrefix: string): string[] {
  return Array.from({ length: OPERATIONS }, (_, i) =>
    keyRequestId(i % 2 === 0 ? 'gift-product' : 'transfer-money', `${keyPrefix}${i}`),
  );
}

function appliedCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of emulator.ledger()) {
    if (entry.requestId === null) continue;
    counts.set(String(entry.requestId), (counts.get(String(entry.requestId)) ?? 0) + 1);
  }
  return counts;
}

interface Cell {
  readonly store: string;
  readonly failure: string;
  readonly appliedTwice: number;
  readonly lost: number;
  readonly orphans: number;
  readonly crashes: number;
  readonly pastDeadline: number;
  /** Operations applied while the store refused every call: "sent but unrecorded". */
  readonly sentWhileRefused: number;
  /** Journal entries of applied operations that the store lost (sent again: `Invalid id.`). */
  readonly forgotten: number;
  readonly refusedBy: Record<string, number>;
  readonly slowestCallMs: number;
  /** Workers whose closed client kept the process up (not a crash: each exited by itself). */
  readonly lingered: number;
  readonly seconds: number;
  readonly skipped?: string;
}

const cells: Cell[] = [];

/**
 * Counts a cell once every phase ran: `phases` in order (the last one delivered every operation
 * again after recovery), `refusing` the phases during which the store refused everything.
 */
function tally(
  names: { store: string; failure: string },
  keyPrefix: string,
  phases: readonly Phase[],
  options: { refusing?: readonly Phase[]; pendingLeft: number; unlisted: number; started: number },
  sentDuringRefusal = 0,
): Cell {
  const ids = operationIds(keyPrefix);
  const applied = appliedCounts();
  const recovery = phases.at(-1)!;
  const doneBefore = new Set(
    phases
      .slice(0, -1)
      .flatMap((phase) => phase.lines)
      .filter((line) => line.status === 'completed' || line.status === 'already-completed')
      .map((line) => line.key),
  );
  const forgotten = recovery.lines.filter(
    (line) => line.key !== undefined && doneBefore.has(line.key) && line.fromJournal === false,
  ).length;
  const refusedBy: Record<string, number> = {};
  for (const phase of phases)
    for (const [code, n] of Object.entries(phase.summary?.refusedBy ?? {}))
      refusedBy[code] = (refusedBy[code] ?? 0) + n;
  const cell: Cell = {
    ...names,
    appliedTwice: ids.filter((id) => (applied.get(id) ?? 0) > 1).length,
    lost: ids.filter((id) => !applied.has(id)).length,
    orphans: options.pendingLeft + options.unlisted,
    crashes: phases.filter((phase) => phase.crashed).length,
    pastDeadline: phases.reduce((n, p) => n + (p.summary?.journalCalls.pastDeadline ?? 0), 0),
    sentWhileRefused: sentDuringRefusal,
    forgotten,
    refusedBy,
    slowestCallMs: Math.max(...phases.map((p) => p.summary?.journalCalls.slowestMs ?? 0)),
    lingered: phases.filter((phase) => phase.lingered).length,
    seconds: Math.round((performance.now() - options.started) / 100) / 10,
  };
  cells.push(cell);
  return cell;
}

/** How many of a cell's operations the API applied so far. */
const appliedSoFar = (keyPrefix: string) => {
  const applied = appliedCounts();
  return operationIds(keyPrefix).filter((id) => applied.has(id)).length;
};

/**
 * A cell whose store fails in the middle of a run (`inject` when 30% of the operations are done)
 * and comes back; then every operation is delivered once more, with resumePending() first.
 */
async function midRunCell(
  names: { store: string; failure: string },
  keyPrefix: string,
  store: (phase: 'run' | 'recovery') => Store,
  inject: () => Promise<void>,
  inspect: () => Promise<{ pendingLeft: number; unlisted: number }>,
  node?: string,
): Promise<Cell> {
  const started = performance.now();
  let injected: Promise<void> | undefined;
  const first = await runWorker(
    { store: store('run'), keyPrefix, budgetMs: 60_000, ...(node ? { node } : {}) },
    (finished) => {
      if (finished >= OPERATIONS * 0.3) injected ??= inject();
    },
  );
  await step(`inject the failure of ${names.store}`, injected ?? Promise.resolve());
  const recovery = await runWorker({
    store: store('recovery'),
    keyPrefix,
    resume: true,
    budgetMs: 30_000,
    ...(node ? { node } : {}),
  });
  return tally(names, keyPrefix, [first, recovery], {
    ...(await step(`inspect ${names.store}`, inspect)),
    started,
  });
}

/**
 * A cell whose store refuses every call for a while: the worker runs against it (after a backlog
 * of pending operations, when `backlog` makes one), nothing may be sent; then against the store
 * recovered, with resumePending() first, every operation is applied once.
 */
async function refusingCell(
  names: { store: string; failure: string },
  keyPrefix: string,
  failing: () => Store,
  healthy: Store,
  options: {
    backlog?: Store;
    between?: () => Promise<void>;
    after?: () => Promise<void>;
    inspect: () => Promise<{ pendingLeft: number; unlisted: number }>;
    node?: string;
  },
): Promise<Cell> {
  const started = performance.now();
  const node = options.node ? { node: options.node } : {};
  const phases: Phase[] = [];
  if (options.backlog) {
    // Entries begun, requests never answered: the market is unreachable, so they stay pending.
    const closed = await startSilentServer();
    await closed.stop();
    phases.push(
      await runWorker({
        store: options.backlog,
        keyPrefix,
        marketUrl: `http://127.0.0.1:${closed.port}/api/market`,
        retries: 0,
        budgetMs: 0,
        ...node,
      }),
    );
  }
  if (options.between) await step(`fail ${names.store}`, options.between);
  const before = appliedSoFar(keyPrefix);
  phases.push(
    await runWorker({ store: failing(), keyPrefix, resume: true, budgetMs: 1500, ...node }),
  );
  const sentWhileRefused = appliedSoFar(keyPrefix) - before;
  if (options.after) await step(`recover ${names.store}`, options.after);
  phases.push(
    await runWorker({ store: healthy, keyPrefix, resume: true, budgetMs: 30_000, ...node }),
  );
  return tally(
    names,
    keyPrefix,
    phases,
    { ...(await step(`inspect ${names.store}`, options.inspect)), started },
    sentWhileRefused,
  );
}

/** The counts every cell must hold at 0. */
const SAFE = {
  appliedTwice: 0,
  lost: 0,
  orphans: 0,
  crashes: 0,
  pastDeadline: 0,
  sentWhileRefused: 0,
} as const;

function skipCell(store: string, failure: string, reason: string): void {
  cells.push({
    store,
    failure,
    ...SAFE,
    forgotten: 0,
    refusedBy: {},
    slowestCallMs: 0,
    lingered: 0,
    seconds: 0,
    skipped: reason,
  });
}

/** What every cell must show, whatever failed. */
function expectSafe(cell: Cell): void {
  const name = `${cell.store}: ${cell.failure}`;
  const counted = Object.fromEntries(
    Object.keys(SAFE).map((count) => [count, cell[count as keyof typeof SAFE]]),
  );
  expect({ cell: name, ...counted }).toEqual({ cell: name, ...SAFE });
}

beforeAll(async () => {
  const seed = defaultConfig();
  emulator = await startEmulator({
    faultSeed: 20261201,
    config: {
      ...seed,
      users: (seed.users ?? []).map((user) =>
        user.login === 'reseller' ? { ...user, balance: 10_000_000 } : user,
      ),
      settings: { callLogLimit: 1_000_000 },
    },
  });
  // Requests take a moment, so operations are in flight when a store fails.
  emulator.addFault({ method: '*', kind: 'delay', delayMs: 60, probability: 0.5 });
});

afterAll(async () => {
  await emulator?.stop();
  if (process.env['NEVERLOSE_WRITE_BENCH'] !== '1' || cells.length === 0) return;
  const row = (cell: Cell) =>
    cell.skipped
      ? `skipped: ${cell.skipped}`
      : `${cell.appliedTwice} / ${cell.lost} / ${cell.orphans} / ${cell.crashes} / ${cell.pastDeadline}`;
  writeSuite('store-matrix', {
    command: 'pnpm bench store-matrix (runs test/faults/store-matrix.test.ts)',
    figures: [
      {
        name: 'per cell',
        value: `${OPERATIONS} money operations, ${CONCURRENCY} at once, journal deadline ${DEADLINE_MS} ms; then every operation delivered again after recovery`,
        unit: '',
      },
      ...cells.map((cell) => ({
        name: `${cell.store}: ${cell.failure}`,
        value: row(cell),
        unit: '',
        note: cell.skipped
          ? undefined
          : `twice / lost / orphans / crashes / past deadline; sent while refused ${cell.sentWhileRefused}, forgotten ${cell.forgotten}, slowest journal call ${cell.slowestCallMs} ms, workers kept up by their closed client ${cell.lingered}, refusals ${JSON.stringify(cell.refusedBy)}, ${cell.seconds} s`,
      })),
    ],
    goals: [
      {
        name: 'cells with 0 twice, 0 lost, 0 orphans, 0 crashes, 0 past deadline',
        value:
          cells.filter(
            (c) =>
              !c.skipped && c.appliedTwice + c.lost + c.orphans + c.crashes + c.pastDeadline === 0,
          ).length / Math.max(1, cells.filter((c) => !c.skipped).length),
        target: 1,
        met: cells.every(
          (c) =>
            c.skipped !== undefined ||
            c.appliedTwice + c.lost + c.orphans + c.crashes + c.pastDeadline === 0,
        ),
      },
    ],
  });
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const FAMILY_TIMEOUT_MS = 600_000;

describe.concurrent('the store fault matrix', () => {
  it(
    'PostgreSQL: crash, fast restart, a standby, a silent server, a wrong password, a hook that swallows its error',
    async () => {
      const cluster = await startPostgresCluster();
      const admin = new pg.Pool({ connectionString: cluster.url, max: 2 });
      admin.on('error', () => undefined);
      let n = 0;
      const tables = async () => {
        const tablePrefix = `m${n++}_`;
        await migrate(admin, { tablePrefix });
        return tablePrefix;
      };
      const inspect = (tablePrefix: string) => async () => {
        const { rows } = await admin.query(
          `SELECT count(*)::int AS n FROM ${tablePrefix}market_journal WHERE state = 'pending'`,
        );
        // A PostgreSQL pending row is always found by pending(): it is listed by its state.
        return { pendingLeft: rows[0].n as number, unlisted: 0 };
      };
      const store = (tablePrefix: string, url = cluster.url, hook?: 'swallow'): Store => ({
        kind: 'postgres',
        url,
        tablePrefix,
        ...(hook ? { hook } : {}),
      });
      try {
        for (const mode of ['immediate', 'fast'] as const) {
          const prefix = await tables();
          expectSafe(
            await midRunCell(
              {
                store: 'PostgreSQL',
                failure:
                  mode === 'immediate'
                    ? 'crash (pg_ctl stop -m immediate) and start mid-run'
                    : 'fast restart mid-run',
              },
              `pg-${mode}-`,
              () => store(prefix),
              () => cluster.restart(mode),
              inspect(prefix),
            ),
          );
        }
        {
          const prefix = await tables();
          let standby: Awaited<ReturnType<typeof startStandby>> | undefined;
          try {
            expectSafe(
              await refusingCell(
                {
                  store: 'PostgreSQL',
                  failure: 'a read-only standby (pg_basebackup -R, standby mode), pending backlog',
                },
                'pg-standby-',
                // The standby is made after the backlog, so it has those entries.
                () => store(prefix, standby!.url),
                store(prefix),
                {
                  backlog: store(prefix),
                  between: async () => {
                    standby = await startStandby(cluster);
                  },
                  inspect: inspect(prefix),
                },
              ),
            );
          } finally {
            await standby?.stop();
          }
        }
        {
          const prefix = await tables();
          const silent = await startSilentServer();
          expectSafe(
            await refusingCell(
              { store: 'PostgreSQL', failure: 'a server that accepts and never answers' },
              'pg-silent-',
              () => store(prefix, `postgres://postgres@127.0.0.1:${silent.port}/postgres`),
              store(prefix),
              { inspect: inspect(prefix) },
            ),
          );
          await silent.stop();
        }
        {
          const prefix = await tables();
          const wrong = await wrongPasswordUrl(cluster, (text) => admin.query(text));
          expectSafe(
            await refusingCell(
              { store: 'PostgreSQL', failure: 'a wrong password' },
              'pg-password-',
              () => store(prefix, wrong),
              store(prefix),
              { inspect: inspect(prefix) },
            ),
          );
        }
        {
          const prefix = await tables();
          expectSafe(
            await refusingCell(
              { store: 'PostgreSQL', failure: 'an onBegin hook that catches its failed statement' },
              'pg-hook-',
              () => store(prefix, cluster.url, 'swallow'),
              store(prefix),
              { inspect: inspect(prefix) },
            ),
          );
        }
      } finally {
        await admin.end();
        await cluster.stop();
      }
    },
    FAMILY_TIMEOUT_MS,
  );

  it(
    'Redis: a master killed while its replica lags, with and without waitForReplicas, then promoted; a silent server',
    async () => {
      for (const wait of [undefined, 1] as const) {
        const master = await redisServer();
        const replica = await redisServer(master.port);
        await replica.synced();
        // The app reaches "the master" by an address that follows the failover.
        const address = await movableAddress(master.port);
        const extra: Awaited<ReturnType<typeof redisServer>>[] = [];
        const prefix = `kill-${wait ?? 0}:`;
        try {
          const cell = await midRunCell(
            {
              store: 'Redis',
              failure: `master killed (SIGKILL) while its replica lags, replica promoted; ${wait ? 'waitForReplicas: 1' : 'master acknowledgement only (default)'}`,
            },
            `redis-kill-${wait ?? 0}-`,
            () => ({
              kind: 'redis',
              url: `redis://127.0.0.1:${address.port}`,
              prefix,
              ...(wait ? { waitForReplicas: wait } : {}),
            }),
            async () => {
              // Promoted as it wakes, before it reads the stream that piled up: that is lost.
              expect(await promoteLaggingReplica(master, replica, ['REPLICAOF', 'NO', 'ONE'])).toBe(
                '+OK',
              );
              address.moveTo(replica.port);
              // A new replica for the new master, as an operator (or Sentinel) provides.
              const next = await redisServer(replica.port);
              extra.push(next);
              await next.synced();
            },
            () => inspectRedis([replica.port], prefix),
          );
          expectSafe(cell);
        } finally {
          await address.stop();
          for (const server of [master, replica, ...extra]) await server.stop();
        }
      }
      const silent = await startSilentServer();
      const healthy = await redisServer();
      try {
        expectSafe(
          await refusingCell(
            { store: 'Redis', failure: 'a server that accepts and never answers' },
            'redis-silent-',
            () => ({ kind: 'redis', url: `redis://127.0.0.1:${silent.port}`, prefix: 'silent:' }),
            { kind: 'redis', url: `redis://127.0.0.1:${healthy.port}`, prefix: 'silent:' },
            { inspect: () => inspectRedis([healthy.port], 'silent:') },
          ),
        );
      } finally {
        await silent.stop();
        await healthy.stop();
      }
    },
    FAMILY_TIMEOUT_MS,
  );

  it(
    'Redis Cluster: a master killed while its replica lags, with and without waitForReplicas; every node silent',
    async () => {
      const cluster: OwnCluster = await step('start a Redis Cluster', () =>
        startOwnCluster({ replicas: 1 }),
      );
      const ports = () => cluster.masters.map((node) => Number(node.split(':')[1]));
      try {
        for (const wait of [undefined, 1] as const) {
          const prefix = `cluster-kill-${wait ?? 0}:`;
          let seen: number[] = ports();
          const cell = await midRunCell(
            {
              store: 'Redis Cluster (3 masters, 1 replica each)',
              failure: `a master killed (SIGKILL) while its replica lags, CLUSTER FAILOVER TAKEOVER; ${wait ? 'waitForReplicas: 1' : 'master acknowledgement only (default)'}`,
            },
            `cluster-kill-${wait ?? 0}-`,
            () => ({
              kind: 'redis-cluster',
              nodes: cluster.masters,
              prefix,
              ...(wait ? { waitForReplicas: wait } : {}),
            }),
            async () => {
              const nodes = await step('CLUSTER NODES', clusterNodes(ports()[0]!), 10_000);
              const replica = nodes.find(
                (n) => !n.master && nodes.some((m) => m.master && m.id === n.masterId),
              )!;
              const master = nodes.find((n) => n.id === replica.masterId)!;
              const pidOf = (port: number) =>
                Number(readFileSync(join(cluster.dir, `${port}.pid`), 'utf8'));
              const node = (port: number) => ({ port, pid: pidOf(port) });
              expect(
                await promoteLaggingReplica(node(master.port), node(replica.port), [
                  'CLUSTER',
                  'FAILOVER',
                  'TAKEOVER',
                ]),
              ).toBe('+OK');
              // The killed master comes back (its supervisor) as the new master's replica.
              await execFileAsync('redis-server', [join(cluster.dir, `${master.port}.conf`)], {
                timeout: 10_000,
              });
              await step(
                'the killed master rejoins as a replica',
                async () => {
                  for (let i = 0; ; i++) {
                    const now = await clusterNodes(replica.port).catch(() => []);
                    const back = now.find((n) => n.port === master.port);
                    if (back && !back.master && back.masterId === replica.id) break;
                    if (i === 300) throw new Error(`${master.port} did not rejoin as a replica`);
                    await pause(50);
                  }
                  await untilReplicaLinkUp(() =>
                    redisCommand(master.port, ['INFO', 'replication']),
                  );
                },
                60_000,
              );
              seen = [...new Set([...seen, replica.port])];
            },
            () => inspectRedis(seen.length > 0 ? seen : ports(), prefix),
          );
          expectSafe(cell);
        }
        const silent = await Promise.all([0, 1, 2].map(() => startSilentServer()));
        try {
          expectSafe(
            await refusingCell(
              {
                store: 'Redis Cluster (3 masters, 1 replica each)',
                failure: 'every node accepts and never answers',
              },
              'cluster-silent-',
              () => ({
                kind: 'redis-cluster',
                nodes: silent.map((server) => `127.0.0.1:${server.port}`),
                prefix: 'cluster-silent:',
              }),
              { kind: 'redis-cluster', nodes: cluster.masters, prefix: 'cluster-silent:' },
              { inspect: () => inspectRedis(ports(), 'cluster-silent:') },
            ),
          );
        } finally {
          await Promise.all(silent.map((server) => server.stop()));
        }
      } finally {
        await step('stop the Redis Cluster', () => cluster.stop());
      }
    },
    FAMILY_TIMEOUT_MS,
  );

  it(
    'SQLite (both drivers): a disk that fills up mid-run, a disk that turns read-only with a pending backlog',
    async () => {
      const drivers = [
        { driver: 'better-sqlite3' as const, node: undefined },
        {
          driver: 'node:sqlite' as const,
          node: existsSync(node22) ? node22 : undefined,
        },
      ];
      const disk = await smallDisk(4096);
      if ('unavailable' in disk) {
        for (const { driver } of drivers) {
          skipCell(`SQLite (${driver})`, 'a full disk', disk.unavailable);
          skipCell(`SQLite (${driver})`, 'a read-only disk', disk.unavailable);
        }
        return;
      }
      const inspect = (file: string) => async () => {
        const journal = await openSqliteIdJournal(file, { driver: 'better-sqlite3' });
        try {
          return { pendingLeft: journal.pending().length, unlisted: 0 };
        } finally {
          journal.close();
        }
      };
      try {
        for (const { driver, node } of drivers) {
          const name = `SQLite (${driver})`;
          if (driver === 'node:sqlite' && node === undefined) {
            skipCell(name, 'a full disk', 'no Node.js 22 here (test/runtimes installs it)');
            skipCell(name, 'a read-only disk', 'no Node.js 22 here (test/runtimes installs it)');
            continue;
          }
          const full = join(disk.dir, `${driver.replace(':', '-')}-full.db`);
          expectSafe(
            await midRunCell(
              {
                store: name,
                failure: 'the disk fills up mid-run (a 4 MiB tmpfs), then has room again',
              },
              `sqlite-full-${driver}-`,
              () => ({ kind: 'sqlite', file: full, driver }),
              async () => {
                await disk.fill();
                await pause(1500);
                await disk.free();
              },
              inspect(full),
              node,
            ),
          );
          const readOnly = join(disk.dir, `${driver.replace(':', '-')}-ro.db`);
          expectSafe(
            await refusingCell(
              { store: name, failure: 'the disk turns read-only (remount ro), pending backlog' },
              `sqlite-ro-${driver}-`,
              () => ({ kind: 'sqlite', file: readOnly, driver }),
              { kind: 'sqlite', file: readOnly, driver },
              {
                backlog: { kind: 'sqlite', file: readOnly, driver },
                between: () => disk.readOnly(true),
                after: () => disk.readOnly(false),
                inspect: inspect(readOnly),
                ...(node ? { node } : {}),
              },
            ),
          );
        }
      } finally {
        await disk.readOnly(false).catch(() => undefined);
        await disk.stop();
      }
    },
    FAMILY_TIMEOUT_MS,
  );
});

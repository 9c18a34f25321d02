// The servers the tests share: one of each per test run, started by the `globalSetup` of the
// projects that need them (`servers/*.ts` of this package) and handed to their tests, and to the
// processes those start, in the environment variable each test helper reads. A variable set
// before the run (a server of your own) is used as it is and nothing is started.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgresCluster } from './postgres-cluster.mjs';
import { spawnRedisServer, startOwnCluster } from './redis-server.js';

interface Started {
  /** The variable's value: a URL, or a list of cluster nodes. */
  readonly value: string;
  stop(): Promise<void>;
}

interface Starting {
  readonly started: Promise<Started>;
  /**
   * Signals the server's processes to stop and removes its files, synchronously, whether it has
   * finished starting or not: for a run that exits without its teardown (Ctrl-C, SIGTERM).
   */
  abandon(): void;
}

const starters: Record<'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'DATABASE_URL', () => Starting> = {
  /** One `redis-server`, without persistence. */
  REDIS_URL() {
    const started = spawnRedisServer();
    let pid = Number.NaN;
    return {
      started: started.then((redis) => {
        pid = redis.pid;
        return { value: redis.url, stop: redis.stop };
      }),
      abandon: () => signal(pid, 'SIGTERM'),
    };
  },
  /** A Redis Cluster of three masters (`redis-cluster.sh`). */
  REDIS_CLUSTER_NODES() {
    const dir = mkdtempSync(join(tmpdir(), 'neverlose-redis-cluster-'));
    const starting = new AbortController();
    return {
      started: startOwnCluster({ dir, signal: starting.signal }).then((cluster) => ({
        value: cluster.masters.join(','),
        stop: cluster.stop,
      })),
      abandon() {
        starting.abort();
        for (const file of readdirSync(dir).filter((name) => name.endsWith('.pid'))) {
          signal(pidIn(join(dir, file)), 'SIGTERM');
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  /** A throwaway PostgreSQL cluster, fsync on (`postgres-cluster.mjs`). */
  DATABASE_URL() {
    const dir = mkdtempSync(join(tmpdir(), 'neverlose-pg-'));
    return {
      started: startPostgresCluster({ dir }).then((postgres) => ({
        value: postgres.url,
        stop: postgres.stop,
      })),
      abandon() {
        // SIGINT: PostgreSQL's fast shutdown.
        signal(pidIn(join(dir, 'data', 'postmaster.pid')), 'SIGINT');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export type ServerVariable = keyof typeof starters;

function pidIn(file: string): number {
  try {
    return Number.parseInt(readFileSync(file, 'utf8'), 10);
  } catch {
    return Number.NaN;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  if (!Number.isSafeInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

// Every project's globalSetup is loaded apart, in the one main process: the servers are kept on
// globalThis so that the projects of a run share them, and stopped when the last one lets go.
const key = Symbol.for('neverlose-toolkit.test-servers');
const globals = globalThis as { [key]?: Map<ServerVariable, Starting & { users: number }> };
if (globals[key] === undefined) {
  const servers = new Map<ServerVariable, Starting & { users: number }>();
  globals[key] = servers;
  // Vitest exits without the teardown on Ctrl-C or SIGTERM: the servers must not outlive it.
  process.once('exit', () => {
    for (const server of servers.values()) server.abandon();
  });
}
const servers = globals[key];

async function acquire(variable: ServerVariable): Promise<void> {
  let entry = servers.get(variable);
  if (entry === undefined) {
    entry = { ...starters[variable](), users: 0 };
    servers.set(variable, entry);
  }
  entry.users++;
  process.env[variable] = (await entry.started).value;
}

async function release(variable: ServerVariable): Promise<void> {
  const entry = servers.get(variable);
  if (entry === undefined || --entry.users > 0) return;
  delete process.env[variable];
  await (await entry.started).stop();
  servers.delete(variable);
}

/**
 * A vitest `globalSetup` that provides `variables`' servers to a project's tests: started once for
 * the whole run, before its first test, and stopped after its last.
 */
export function provideServers(...variables: ServerVariable[]) {
  return async function setup(): Promise<() => Promise<void>> {
    const ours = variables.filter((variable) => !process.env[variable] || servers.has(variable));
    await Promise.all(ours.map(acquire));
    return async () => {
      await Promise.all(ours.map(release));
    };
  };
}

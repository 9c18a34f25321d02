// The servers the tests share: one of each per test run, started by the `globalSetup` of the
// projects that need them (`test/support/servers/*.ts`) and handed to their tests, and to the
// processes those start, in the environment variable each test helper reads. A variable set
// before the run (a server of your own) is used as it is and nothing is started.
import { spawnRedisServer, startOwnCluster } from '../../packages/redis/test/redis-server.js';
import { startPostgresCluster } from '../../scripts/postgres-cluster.mjs';

interface Started {
  /** The variable's value: a URL, or a list of cluster nodes. */
  readonly value: string;
  stop(): Promise<void>;
}

const starters = {
  /** One `redis-server`, without persistence. */
  REDIS_URL: async (): Promise<Started> => {
    const redis = await spawnRedisServer();
    return { value: redis.url, stop: redis.stop };
  },
  /** A Redis Cluster of three masters (`scripts/redis-cluster.sh`). */
  REDIS_CLUSTER_NODES: async (): Promise<Started> => {
    const cluster = await startOwnCluster();
    return { value: cluster.masters.join(','), stop: cluster.stop };
  },
  /** A throwaway PostgreSQL cluster, fsync on (`scripts/postgres-cluster.mjs`). */
  DATABASE_URL: async (): Promise<Started> => {
    const postgres = await startPostgresCluster();
    return { value: postgres.url, stop: postgres.stop };
  },
};

export type ServerVariable = keyof typeof starters;

// Every project's globalSetup is loaded apart, in the one main process: the servers are kept on
// globalThis so that the projects of a run share them, and stopped when the last one lets go.
const key = Symbol.for('neverlose-toolkit.test-servers');
const globals = globalThis as {
  [key]?: Map<ServerVariable, { started: Promise<Started>; users: number }>;
};
globals[key] ??= new Map();
const shared = globals[key];

async function acquire(variable: ServerVariable): Promise<void> {
  let entry = shared.get(variable);
  if (entry === undefined) {
    entry = { started: starters[variable](), users: 0 };
    shared.set(variable, entry);
  }
  entry.users++;
  process.env[variable] = (await entry.started).value;
}

async function release(variable: ServerVariable): Promise<void> {
  const entry = shared.get(variable);
  if (entry === undefined || --entry.users > 0) return;
  shared.delete(variable);
  delete process.env[variable];
  await (await entry.started).stop();
}

/**
 * A vitest `globalSetup` that provides `variables`' servers to a project's tests: started once for
 * the whole run, before its first test, and stopped after its last.
 */
export function provideServers(...variables: ServerVariable[]) {
  return async function setup(): Promise<() => Promise<void>> {
    const ours = variables.filter((variable) => !process.env[variable] || shared.has(variable));
    await Promise.all(ours.map(acquire));
    return async () => {
      await Promise.all(ours.map(release));
    };
  };
}

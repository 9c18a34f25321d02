import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient, createCluster } from 'redis';
import { freePort } from './ports.mjs';
import { redisClusterScript as clusterScript } from './redis-cluster.mjs';

const run = promisify(execFile);

type SingleClient = Awaited<ReturnType<typeof connectSingle>>;
type ClusterClient = Awaited<ReturnType<typeof connectCluster>>;
export type TestClient = SingleClient | ClusterClient;

function connectSingle(url: string) {
  return createClient({ url }).connect();
}

function connectCluster(nodes: readonly string[]) {
  return createCluster({ rootNodes: nodes.map((node) => ({ url: `redis://${node}` })) }).connect();
}

/** A Redis (one server, or a cluster) for one test file, as the adapters and the examples see it. */
export interface TestRedis {
  readonly kind: 'single' | 'cluster';
  /** What the examples are given as `REDIS_URL`: `redis://…`, or `redis+cluster://node,node,…`. */
  readonly url: string;
  /** A connected node-redis client (`createClient()` or `createCluster()`). */
  connect(): Promise<TestClient>;
  /** A fresh key prefix, so tests never see each other's keys. */
  prefix(): string;
  /** Every key matching `pattern`, on every master. */
  keys(pattern: string): Promise<string[]>;
  /** Seconds to live of `key`. */
  ttl(key: string): Promise<number>;
  stop(): Promise<void>;
}

/** The two deployments every adapter is tested on: one Redis, and a cluster of three masters. */
export const deployments = [
  { name: 'one Redis', start: () => startRedis() },
  { name: 'Redis Cluster (3 masters)', start: () => startRedisCluster() },
] as const;

/**
 * One Redis: `REDIS_URL` when set (the test run's, from `servers.ts`), otherwise a
 * `redis-server` of our own.
 */
export async function startRedis(): Promise<TestRedis> {
  const own = process.env['REDIS_URL'] ? undefined : await spawnRedisServer();
  const url = process.env['REDIS_URL'] ?? own!.url;
  const clients: SingleClient[] = [];
  const admin = await connectSingle(url);
  return {
    kind: 'single',
    url,
    async connect() {
      const client = await connectSingle(url);
      clients.push(client);
      return client;
    },
    prefix: () => `test-${randomUUID()}:`,
    keys: (pattern) => admin.keys(pattern),
    ttl: (key) => admin.ttl(key),
    async stop() {
      await Promise.all([admin, ...clients].map((client) => client.close().catch(() => undefined)));
      await own?.stop();
    },
  };
}

/**
 * A `redis-server` on loopback until `stop()`: a free port (or `port`), without persistence unless
 * `args` ask for it, its files in `dir` (a temporary directory of its own by default, removed on
 * `stop()`). `args` are more of its options (`--replicaof`, `--requirepass`, `--appendonly yes`).
 */
export async function spawnRedisServer(
  options: { port?: number; args?: readonly string[]; dir?: string } = {},
): Promise<{ url: string; port: number; pid: number; stop(): Promise<void> }> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'neverlose-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Ready to accept connections')) resolve();
    });
  });
  child.removeAllListeners('exit');
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A cluster of our own: its nodes' files, and how to stop and restart one of them. */
export interface OwnCluster {
  readonly dir: string;
  /** Masters first, then replicas, as `127.0.0.1:<port>`. */
  readonly masters: readonly string[];
  stop(): Promise<void>;
}

/**
 * Starts a cluster with `redis-cluster.sh` (the file CI and developers use too): three
 * masters on free loopback ports, and `replicas` replicas of each, their files in `dir` (a new
 * temporary directory by default). `signal` ends the script if it is still starting them.
 */
export async function startOwnCluster(
  options: { replicas?: number; dir?: string; signal?: AbortSignal } = {},
): Promise<OwnCluster> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'neverlose-redis-cluster-'));
  try {
    const replicas = String(options.replicas ?? 0);
    await run('bash', [clusterScript, 'start', dir, '--replicas', replicas], {
      signal: options.signal,
    });
  } catch (error) {
    await run('bash', [clusterScript, 'stop', dir]).catch(() => undefined);
    throw error;
  }
  const masters = readFileSync(join(dir, 'nodes'), 'utf8').trim().split(',');
  return {
    dir,
    masters,
    stop: async () => {
      await run('bash', [clusterScript, 'stop', dir]);
    },
  };
}

/**
 * A Redis Cluster of three masters: `REDIS_CLUSTER_NODES` when set (the test run's, from
 * `servers.ts`), otherwise one of our own, started and stopped by
 * `redis-cluster.sh`.
 */
export async function startRedisCluster(): Promise<TestRedis & { readonly nodes: string }> {
  const given = process.env['REDIS_CLUSTER_NODES'];
  const own = given ? undefined : await startOwnCluster();
  const nodes = given ?? own!.masters.join(',');
  const clients: ClusterClient[] = [];
  const admin = await connectCluster(nodes.split(','));
  return {
    kind: 'cluster',
    nodes,
    url: `redis+cluster://${nodes}`,
    async connect() {
      const client = await connectCluster(nodes.split(','));
      clients.push(client);
      return client;
    },
    prefix: () => `test-${randomUUID()}:`,
    async keys(pattern) {
      const perMaster = await Promise.all(
        admin.masters.map(async (master) => (await admin.nodeClient(master)).keys(pattern)),
      );
      return perMaster.flat();
    },
    ttl: (key) => admin.ttl(key),
    async stop() {
      await Promise.all([admin, ...clients].map((client) => client.close().catch(() => undefined)));
      await own?.stop();
    },
  };
}

/**
 * Resolves once a replica reports its link to its master up (`INFO replication`, read by `info`),
 * polling every 50 ms; throws after `timeoutMs`, so a replica that never syncs fails its test
 * quickly instead of running into the test's own timeout.
 */
export async function untilReplicaLinkUp(
  info: () => Promise<unknown>,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!String(await info()).includes('master_link_status:up')) {
    if (Date.now() > until) {
      throw new Error(`The replica's link to its master was not up within ${timeoutMs} ms.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// The failing stores of the fault matrix (store-matrix.test.ts): a PostgreSQL standby and a role
// whose password the app gets wrong, a Redis master with a replica behind a movable address, and
// a small disk that fills up or turns read-only. Loopback and temporary directories only.
import { type ChildProcess, execFile } from 'node:child_process';
import { once } from 'node:events';
import {
  chownSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import {
  type PostgresCluster,
  postgresBinDir,
} from '@neverlose-toolkit/test-support/postgres-cluster';
import { spawnRedisServer, untilReplicaLinkUp } from '@neverlose-toolkit/test-support/redis-server';
import { Cluster, Redis } from 'ioredis';
import { RedisIdJournal } from 'neverlose-redis/market';
import { createClient } from 'redis';

const run = promisify(execFile);

/** Runs a PostgreSQL binary as the `postgres` user when we are root (the server refuses root). */
async function pgRun(binary: string, args: string[]): Promise<void> {
  const path = join(postgresBinDir(), binary);
  const asRoot = process.getuid?.() === 0;
  await run(asRoot ? 'runuser' : path, asRoot ? ['-u', 'postgres', '--', path, ...args] : args, {
    timeout: 60_000,
  });
}

function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = (line ?? '').split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * A real standby of `primary`: a base backup taken with `pg_basebackup -R` (standby.signal and
 * primary_conninfo written), started in standby mode on its own port. It replays the primary's
 * WAL and refuses every write, as a replica does after a failover moved the primary away.
 */
export async function startStandby(primary: PostgresCluster): Promise<{
  url: string;
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'neverlose-pg-standby-'));
  const data = join(dir, 'data');
  const owner = postgresOwner();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  await pgRun('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    data,
    '-R',
    '-X',
    'stream',
  ]);
  const port = await freePort();
  const settings = `-p ${port} -c listen_addresses='127.0.0.1' -c unix_socket_directories='${dir}' -c hot_standby=on -c max_connections=200`;
  await pgRun('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', settings, '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A login role that must give its password (SCRAM) on `cluster`, whose other logins stay trusted:
 * the URL of an app that has the wrong one.
 */
export async function wrongPasswordUrl(
  cluster: PostgresCluster,
  query: (text: string) => Promise<unknown>,
): Promise<string> {
  await query("CREATE ROLE shop LOGIN PASSWORD 'the-right-one'");
  const hba = join(cluster.dir, 'data', 'pg_hba.conf');
  writeFileSync(hba, `host all shop 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, 'utf8')}`);
  await query('SELECT pg_reload_conf()');
  return `postgres://shop:not-the-password@127.0.0.1:${cluster.port}/postgres`;
}

/** A TCP address whose target can move: what a virtual IP or a DNS name does in a failover. */
export async function movableAddress(target: number): Promise<{
  port: number;
  moveTo(port: number): void;
  stop(): Promise<void>;
}> {
  let to = target;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: to });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    moveTo(port) {
      to = port;
      for (const socket of sockets) socket.destroy();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One redis-server of our own (no persistence), optionally a replica of `replicaOf`. */
export async function redisServer(replicaOf?: number): Promise<{
  port: number;
  pid: number;
  /** Resolves once a replica's link to its master is up. */
  synced(): Promise<void>;
  stop(): Promise<void>;
}> {
  const server = await spawnRedisServer(
    replicaOf === undefined ? {} : { args: ['--replicaof', '127.0.0.1', String(replicaOf)] },
  );
  return {
    ...server,
    async synced() {
      await untilReplicaLinkUp(() => redisCommand(server.port, ['INFO', 'replication']));
    },
  };
}

/**
 * A command written into a Redis node's socket now, to run when the node next reads its clients:
 * given to a frozen (SIGSTOP) replica, it runs as the replica wakes, before the replication stream
 * that piled up meanwhile is read, so what the replica had not received is lost, as in a failover
 * that promotes a lagging replica. Resolves with the reply once the command ran.
 */
export async function commandOnWake(port: number, args: string[]): Promise<() => Promise<string>> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const resp = `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
  await new Promise((resolve) => socket.write(resp, resolve));
  // The node may close the socket instead of answering: that fails the wait rather than hang it.
  const reply = Promise.race([
    once(socket, 'data').then(([data]) => String(data).trim()),
    once(socket, 'close').then(() => {
      throw new Error(`port ${port} closed the connection before answering ${args.join(' ')}`);
    }),
  ]).finally(() => socket.destroy());
  return () => reply;
}

/**
 * Other clients' writes to one master for `ms` (a value of `valueBytes` every 15 ms: about 4 MB a
 * second by default), as a busy shard has: more than a frozen replica's socket can buffer, so what
 * the master sends meanwhile waits in the master, and dies with it.
 */
export async function otherTraffic(
  port: number,
  ms: number,
  valueBytes = 64 * 1024,
): Promise<void> {
  const client = await createClient({ url: `redis://127.0.0.1:${port}` })
    .on('error', () => undefined)
    .connect();
  try {
    // A key this master serves (a cluster node answers MOVED for the others).
    let key = '';
    for (let n = 0; !key; n++) {
      if (n === 10_000) throw new Error(`no key of port ${port}'s slots took a write`);
      const candidate = `other-traffic-${n}`;
      key = await client.set(candidate, '').then(
        () => candidate,
        () => '',
      );
    }
    const value = 'x'.repeat(valueBytes);
    const until = Date.now() + ms;
    while (Date.now() < until) {
      await client.set(key, value);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  } finally {
    client.destroy();
  }
}

/** How long one step of the harness (start a cluster, fail a store, inspect it) may take. */
const STEP_MS = 120_000;

/**
 * A step of the harness, bounded: one that has not settled within `ms` fails its cell with its
 * name, so a stalled step says which one it is instead of running into the test's timeout.
 */
export async function step<T>(
  name: string,
  work: Promise<T> | (() => Promise<T>),
  ms = STEP_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`The harness step "${name}" did not finish within ${ms} ms.`)),
      ms,
    );
  });
  try {
    return await Promise.race([typeof work === 'function' ? work() : work, stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A failover that loses acknowledged writes: the replica stops reading its master's stream
 * (SIGSTOP) while the master takes other clients' writes, the master is killed (SIGKILL), and
 * `promote` (`REPLICAOF NO ONE`, `CLUSTER FAILOVER TAKEOVER`) runs on the replica as it wakes,
 * before it reads what piled up. Resolves with the replica's reply; the replica is never left
 * frozen, whatever fails.
 */
export async function promoteLaggingReplica(
  master: { port: number; pid: number },
  replica: { port: number; pid: number },
  promote: string[],
): Promise<string> {
  process.kill(replica.pid, 'SIGSTOP');
  try {
    await step('write to the master', otherTraffic(master.port, 700), 30_000);
    process.kill(master.pid, 'SIGKILL');
    const promoted = await step(
      `send ${promote.join(' ')}`,
      commandOnWake(replica.port, promote),
      10_000,
    );
    process.kill(replica.pid, 'SIGCONT');
    return await step(promote.join(' '), promoted(), 30_000);
  } finally {
    // A replica left frozen would hang every later step.
    process.kill(replica.pid, 'SIGCONT');
  }
}

/** Sends one command to a Redis node and returns its reply. */
export async function redisCommand(port: number, args: string[]): Promise<unknown> {
  // One attempt to connect, within 5 s: a node that is down fails the call instead of hanging it.
  const client = await createClient({
    url: `redis://127.0.0.1:${port}`,
    socket: { connectTimeout: 5000, reconnectStrategy: false },
  })
    .on('error', () => undefined)
    .connect();
  try {
    return await client.sendCommand(args);
  } finally {
    client.destroy();
  }
}

/**
 * A small disk of its own (a tmpfs), to fill up or turn read-only: needs root and `mount`. Says
 * why not when it cannot be had, so the cells that need it are skipped with the reason.
 */
export async function smallDisk(sizeKiB: number): Promise<
  | {
      readonly dir: string;
      fill(): Promise<void>;
      free(): Promise<void>;
      readOnly(on: boolean): Promise<void>;
      stop(): Promise<void>;
    }
  | { readonly unavailable: string }
> {
  if (process.platform !== 'linux') return { unavailable: `${process.platform} has no tmpfs` };
  if (process.getuid?.() !== 0) return { unavailable: 'mounting a tmpfs needs root' };
  const dir = mkdtempSync(join(tmpdir(), 'neverlose-small-disk-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { unavailable: `mount -t tmpfs failed: ${(error as Error).message.split('\n')[0]}` };
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    async fill() {
      // Writes until the disk has no byte left.
      const chunk = Buffer.alloc(64 * 1024);
      const fd = openSync(filler, 'a');
      try {
        for (;;) writeSync(fd, chunk);
      } catch {
        // ENOSPC: full.
      } finally {
        closeSync(fd);
      }
    },
    async free() {
      rmSync(filler, { force: true });
    },
    async readOnly(on) {
      await run('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, dir]);
    },
    async stop() {
      await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits for `child` to exit and returns its code. */
export async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** Pending entries of a Redis journal left after recovery, and those `pending()` does not list. */
export async function inspectRedis(
  nodes: readonly number[],
  prefix: string,
): Promise<{ pendingLeft: number; unlisted: number }> {
  const cluster = nodes.length > 1;
  const client = cluster
    ? new Cluster(nodes.map((port) => ({ host: '127.0.0.1', port })))
    : new Redis({ host: '127.0.0.1', port: nodes[0]! });
  client.on('error', () => undefined);
  try {
    const listed = new Set(
      (await new RedisIdJournal(client, { prefix }).pending()).map((e) => `${e.method}:${e.key}`),
    );
    const masters = cluster ? (client as Cluster).nodes('master') : [client];
    let pendingEntries: string[] = [];
    for (const node of masters) {
      for (let cursor = '0'; ; ) {
        const [next, keys] = (await node.call(
          'SCAN',
          cursor,
          'MATCH',
          `${prefix}journal:{journal:*}entry:*`,
          'COUNT',
          '1000',
        )) as [string, string[]];
        for (const key of keys) {
          if ((await node.call('HGET', key, 'state')) === 'pending')
            pendingEntries.push(key.slice(key.indexOf('entry:') + 'entry:'.length));
        }
        cursor = next;
        if (cursor === '0') break;
      }
    }
    pendingEntries = [...new Set(pendingEntries)];
    return {
      pendingLeft: pendingEntries.length,
      unlisted: pendingEntries.filter((member) => !listed.has(member)).length,
    };
  } finally {
    client.disconnect();
  }
}

export interface ClusterNode {
  id: string;
  port: number;
  master: boolean;
  masterId: string;
}

export async function clusterNodes(port: number): Promise<ClusterNode[]> {
  return String(await redisCommand(port, ['CLUSTER', 'NODES']))
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, masterId] = line.split(' ');
      return {
        id: id!,
        port: Number(address!.split(':')[1]!.split('@')[0]),
        master: flags!.includes('master') && !flags!.includes('fail'),
        masterId: masterId!,
      };
    });
}

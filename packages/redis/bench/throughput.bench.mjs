// Journaled operations and webhook claims per second on one Redis and on a 3-master Redis Cluster.
// Runs the BUILT package: `pnpm --filter neverlose-redis build` first. Starts its own servers on
// loopback (redis-cluster.sh of @neverlose-toolkit/test-support for the clusters) and stops them.
// Usage: node bench/throughput.bench.mjs [seconds per round, default 3]
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { printSuite, writeSuite } from '@neverlose-toolkit/test-support/bench-report';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import { redisClusterScript as clusterScript } from '@neverlose-toolkit/test-support/redis-cluster';
import { createClient, createCluster } from 'redis';
import { RedisIdJournal, RedisWebhookDedupStore } from '../dist/market.js';

const run = promisify(execFile);
const seconds = Number(process.argv[2] ?? 3);
const ROUNDS = 3;
const IN_FLIGHT = 64;

async function startSingle() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    child.stdout.on('data', (chunk) => String(chunk).includes('Ready to accept') && resolve());
  });
  const client = await createClient({ url: `redis://127.0.0.1:${port}` }).connect();
  return {
    client,
    stop: async () => {
      await client.close();
      child.removeAllListeners('exit');
      child.kill();
    },
  };
}

async function startCluster(replicas) {
  const dir = mkdtempSync(join(tmpdir(), 'neverlose-redis-bench-'));
  await run('bash', [clusterScript, 'start', dir, '--replicas', String(replicas)]);
  const nodes = readFileSync(join(dir, 'nodes'), 'utf8').trim().split(',');
  const client = await createCluster({
    rootNodes: nodes.map((node) => ({ url: `redis://${node}` })),
  }).connect();
  return {
    client,
    stop: async () => {
      await client.close();
      await run('bash', [clusterScript, 'stop', dir]);
    },
  };
}

/** Operations per second of `step(i)` with IN_FLIGHT at once, for `seconds`. */
async function rate(step) {
  let done = 0;
  let counter = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < deadline) {
        await step(counter++);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

/**
 * The median of ROUNDS rounds of each named step, the steps taking turns within each round so that
 * other load on the machine falls on all of them alike.
 */
async function compare(steps) {
  const rates = Object.fromEntries(Object.keys(steps).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, step] of Object.entries(steps)) rates[name].push(await rate(step(round)));
  }
  return Object.fromEntries(
    Object.entries(rates).map(([name, list]) => [
      name,
      list.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)],
    ]),
  );
}

/** A journaled operation as MarketClient runs it: begin, then complete. */
function journaledWith(journal) {
  return async (i) => {
    const key = `order-${i}`;
    await journal.begin({
      key,
      requestId: `"req-${i}"`,
      method: 'gift-product',
      params: '{"username":"darth","product":"cs2","cnt":0}',
      fingerprint: 'fp',
    });
    await journal.complete(
      { method: 'gift-product', key },
      { status: 'completed', reply: { success: true } },
    );
  };
}

function journaled(client, prefix) {
  return (round) => journaledWith(new RedisIdJournal(client, { prefix: `${prefix}${round}:` }));
}

/** A webhook as the handler runs it: claim a new event, then mark it done. */
function claimed(client, prefix) {
  return (round) => {
    const dedup = new RedisWebhookDedupStore(client, { prefix: `${prefix}${round}:` });
    return async (i) => {
      if ((await dedup.claim('purchase', i, 60)) === 'claimed')
        await dedup.complete('purchase', i, 3600);
    };
  };
}

const figures = [];
const prefix = `bench-${Date.now()}:`;
const [one, three] = await Promise.all([startSingle(), startCluster(0)]);
let results;
try {
  results = await compare({
    singleJournal: journaled(one.client, prefix),
    clusterJournal: journaled(three.client, prefix),
    singleClaims: claimed(one.client, prefix),
    clusterClaims: claimed(three.client, prefix),
  });
} finally {
  await Promise.all([one.stop(), three.stop()]);
}
console.log(results);

// The cost of waiting for a replica before a request leaves (each master with one replica).
const replicated = await startCluster(1);
try {
  Object.assign(
    results,
    await compare({
      plain: journaled(replicated.client, `${prefix}plain:`),
      waiting: (round) => {
        const journal = new RedisIdJournal(replicated.client, {
          prefix: `${prefix}wait:${round}:`,
          waitForReplicas: { count: 1, timeoutMs: 1000 },
        });
        return journaledWith(journal);
      },
    }),
  );
} finally {
  await replicated.stop();
}

const note = `${IN_FLIGHT} in flight, one node-redis client, median of ${ROUNDS} rounds of ${seconds} s, taking turns`;
figures.push(
  {
    name: 'journaled operations (begin + complete), one Redis',
    value: results.singleJournal,
    unit: 'ops/s',
    note,
  },
  {
    name: 'journaled operations, Redis Cluster (3 masters)',
    value: results.clusterJournal,
    unit: 'ops/s',
  },
  {
    name: 'webhook claims (claim + complete), one Redis',
    value: results.singleClaims,
    unit: 'claims/s',
  },
  {
    name: 'webhook claims, Redis Cluster (3 masters)',
    value: results.clusterClaims,
    unit: 'claims/s',
  },
  {
    name: 'journaled operations, 3 masters + 1 replica each',
    value: results.plain,
    unit: 'ops/s',
  },
  {
    name: 'journaled operations, same, waitForReplicas: 1',
    value: results.waiting,
    unit: 'ops/s',
    note: 'before a request leaves: each key written again, then WAIT 1, on every node written',
  },
  {
    name: 'setup',
    value: 'every server and the client on the same 2 cores',
    unit: '',
    note: 'a cluster adds machines; on one machine this shows its cost; compare within one run',
  },
);
const report = writeSuite('redis', {
  command: 'node packages/redis/bench/throughput.bench.mjs',
  figures,
  goals: [],
});
printSuite(report);

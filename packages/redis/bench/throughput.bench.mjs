// Journaled operations and webhook claims per second on one Redis and on a 3-master Redis Cluster.
// Runs the BUILT package: `pnpm --filter neverlose-redis build` first. Starts its own servers on
// loopback (scripts/redis-cluster.sh for the clusters) and stops them.
// Usage: node bench/throughput.bench.mjs [seconds per round, default 3]
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient, createCluster } from 'redis';
import { printSuite, writeSuite } from '../../../scripts/bench-report.mjs';
import { RedisIdJournal, RedisWebhookDedupStore } from '../dist/market.js';

const run = promisify(execFile);
const clusterScript = join(import.meta.dirname, '..', '..', '..', 'scripts', 'redis-cluster.sh');
const seconds = Number(process.argv[2] ?? 3);
const ROUNDS = 3;
const IN_FLIGHT = 64;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

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

/** Operations per second of `step(i)` with IN_FLIGHT at once: the median of ROUNDS rounds. */
async function measure(step) {
  const rates = [];
  let counter = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let done = 0;
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
    rates.push(done / ((performance.now() - start) / 1000));
  }
  return rates.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

/** A journaled operation as MarketClient runs it: begin, then complete. */
function journaled(journal, prefix) {
  return async (i) => {
    const key = `${prefix}order-${i}`;
    await journal.begin({
      key,
      requestId: `"${prefix}req-${i}"`,
      method: 'gift-product',
      params: '{"username":"darth","product":"cs2","cnt":0}',
      fingerprint: 'fp',
    });
    await journal.complete(key, { status: 'completed', reply: { success: true } });
  };
}

/** A webhook as the handler runs it: claim a new event, then mark it done. */
function claimed(dedup) {
  return async (i) => {
    if ((await dedup.claim('purchase', i, 60)) === 'claimed')
      await dedup.complete('purchase', i, 3600);
  };
}

const figures = [];
const results = {};
for (const [name, start] of [
  ['one Redis', () => startSingle()],
  ['Redis Cluster, 3 masters', () => startCluster(0)],
]) {
  const deployment = await start();
  try {
    const prefix = `bench-${Date.now()}:`;
    const journal = new RedisIdJournal(deployment.client, { prefix });
    const dedup = new RedisWebhookDedupStore(deployment.client, { prefix });
    results[name] = {
      journal: await measure(journaled(journal, prefix)),
      claims: await measure(claimed(dedup)),
    };
  } finally {
    await deployment.stop();
  }
  console.log(name, results[name]);
}

// The cost of waiting for a replica before a request leaves (each master with one replica).
const replicated = await startCluster(1);
try {
  const prefix = `bench-wait-${Date.now()}:`;
  const plain = new RedisIdJournal(replicated.client, { prefix: `${prefix}a:` });
  const waiting = new RedisIdJournal(replicated.client, {
    prefix: `${prefix}b:`,
    waitForReplicas: { count: 1, timeoutMs: 1000 },
  });
  results.replicas = {
    plain: await measure(journaled(plain, `${prefix}a:`)),
    waiting: await measure(journaled(waiting, `${prefix}b:`)),
  };
} finally {
  await replicated.stop();
}

const single = results['one Redis'];
const cluster = results['Redis Cluster, 3 masters'];
const note = `${IN_FLIGHT} in flight, one node-redis client, median of ${ROUNDS} rounds of ${seconds} s`;
figures.push(
  {
    name: 'journaled operations (begin + complete), one Redis',
    value: single.journal,
    unit: 'ops/s',
    note,
  },
  {
    name: 'journaled operations, Redis Cluster (3 masters)',
    value: cluster.journal,
    unit: 'ops/s',
  },
  { name: 'webhook claims (claim + complete), one Redis', value: single.claims, unit: 'claims/s' },
  { name: 'webhook claims, Redis Cluster (3 masters)', value: cluster.claims, unit: 'claims/s' },
  {
    name: 'journaled operations, 3 masters + 1 replica each',
    value: results.replicas.plain,
    unit: 'ops/s',
  },
  {
    name: 'journaled operations, same, waitForReplicas: 1',
    value: results.replicas.waiting,
    unit: 'ops/s',
    note: 'WAIT 1 on every node written before a request leaves',
  },
  {
    name: 'setup',
    value: 'every server and the client on the same 2 cores',
    unit: '',
    note: 'a cluster spreads keys over masters; here they share the cores, so it measures the overhead, not the gain of more machines',
  },
);
const report = writeSuite('redis', {
  command: 'node packages/redis/bench/throughput.bench.mjs',
  figures,
  goals: [],
});
printSuite(report);

// A reseller's fulfilment worker, run as its own process so a test can kill it hard.
// node money-client.mjs <marketUrl> <journal> <operations> <concurrency> [--resume] [--wait-replicas N]
//   <journal>: an SQLite file, or a Redis Cluster as redis+cluster://host:port,host:port (ioredis,
//   which follows a failover by itself), journaled by neverlose-redis's RedisIdJournal.
// Prints one JSON line per finished operation, then {"summary": ...}. An operation whose attempt
// fails for any reason but the API's answer (the journal refused it, Redis was failing over) is
// tried again with the same key, and counted in `refused`.
import { MarketClient } from 'neverlose-market/client';
import { openSqliteIdJournal } from 'neverlose-market/sqlite';

const [marketUrl, journalSpec, total, concurrency, ...flags] = process.argv.slice(2);
const flag = (name) => {
  const at = flags.indexOf(name);
  return at === -1 ? undefined : (flags[at + 1] ?? '');
};

const CLUSTER = 'redis+cluster://';
let redis;
let journal;
if (journalSpec.startsWith(CLUSTER)) {
  const [{ Cluster }, { RedisIdJournal }] = await Promise.all([
    import('ioredis'),
    import('neverlose-redis/market'),
  ]);
  const nodes = journalSpec
    .slice(CLUSTER.length)
    .split(',')
    .map((node) => ({ host: node.split(':')[0], port: Number(node.split(':')[1]) }));
  redis = new Cluster(nodes, { enableOfflineQueue: false });
  redis.on('error', () => {});
  await new Promise((resolve) => redis.once('ready', resolve));
  const replicas = flag('--wait-replicas');
  journal = new RedisIdJournal(redis, {
    prefix: flag('--prefix') ?? 'neverlose:',
    ...(replicas ? { waitForReplicas: { count: Number(replicas), timeoutMs: 200 } } : {}),
  });
} else {
  journal = await openSqliteIdJournal(journalSpec);
}
const client = new MarketClient({
  userId: 10,
  secret: 'emulator-reseller-key',
  baseUrl: marketUrl,
  journal,
  timeoutMs: 400,
  retries: 12,
  retryBaseMs: 10,
  retryMaxMs: 200,
});
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

const summary = {
  resumed: 0,
  completed: 0,
  alreadyCompleted: 0,
  fromJournal: 0,
  failed: 0,
  attempts: 0,
  refused: 0,
  refusedBy: {},
};
if (flags.includes('--resume')) {
  for (const report of await client.resumePending()) {
    summary.resumed++;
    print({ resumed: report.key, status: report.status });
  }
}

/** Runs one operation until the API answers it; anything else is counted and tried again (1 min). */
async function fulfil(i, key) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return i % 2 === 0
        ? await client.giftProduct({ key, username: buyers[i % 3], product: 'csgo', days: 30 })
        : await client.transferMoney({ key, username: buyers[i % 3], amount: 0.5 });
    } catch (error) {
      if (String(error?.code).startsWith('ERR_MARKET_') || Date.now() > deadline) throw error;
      summary.refused++;
      const reason = error?.code ?? String(error?.message).split(' ').slice(0, 3).join(' ');
      summary.refusedBy[reason] = (summary.refusedBy[reason] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const buyers = ['alice', 'bob', 'charlie'];
let next = 0;
async function worker() {
  while (next < Number(total)) {
    const i = next++;
    const key = `op-${i}`;
    const result = await fulfil(i, key);
    summary.attempts += result.attempts;
    if (result.fromJournal) summary.fromJournal++;
    if (result.status === 'completed') summary.completed++;
    else if (result.status === 'already-completed') summary.alreadyCompleted++;
    else summary.failed++;
    print({
      key,
      id: result.id,
      status: result.status,
      attempts: result.attempts,
      fromJournal: result.fromJournal,
    });
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
print({ summary });
await journal.close?.();
redis?.disconnect();

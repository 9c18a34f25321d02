// A reseller's fulfilment worker for the store fault matrix (store-matrix.test.ts), in its own
// process so that a crash is seen as one. It delivers money operations through MarketClient with
// the journal the spec names, each operation tried again with its business key after any failure
// but the API's own answer, until it is done or the budget runs out.
//
//   node store-worker.mjs '<spec as JSON>'
//
// Prints one JSON line per finished operation ({ key, method, id, status, fromJournal }), a line
// per refusal ({ refused: code }), then { summary }; { stage } lines say where it is (resuming,
// closed, still up after closing), so the last lines of a worker that does not end show where it
// stands. Every journal call is timed: one that takes longer than the journal's deadline
// (`timeoutMs`, plus scheduling slack) is counted in the summary as past its deadline. The
// deadline is kept by a timer, and no timer fires while this process is not running (a long GC
// pause, or a loaded machine that does not schedule it): the time the event loop stood still
// during a call is measured and not counted against the store.
import { MarketClient } from 'neverlose-market/client';

const spec = JSON.parse(process.argv[2]);
/** How long the process may stay up after closing its client before it exits by itself. */
const LINGER_MS = 5000;
const SLACK_MS = 250;
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

const journalCalls = { count: 0, pastDeadline: 0, slowestMs: 0, mostStalledMs: 0 };

// The event loop's stall: how much later than due a 10 ms tick ran, summed, plus how late the next
// one already is. It only grows, so its difference over a call is the time the call stood still.
const TICK_MS = 10;
let stalledMs = 0;
let lastTick = performance.now();
setInterval(() => {
  const now = performance.now();
  stalledMs += Math.max(0, now - lastTick - TICK_MS);
  lastTick = now;
}, TICK_MS).unref();
const stalledSoFar = () => stalledMs + Math.max(0, performance.now() - lastTick - TICK_MS);
let opened;
try {
  opened = await openJournal(spec.store);
} catch (error) {
  // An app that cannot open its journal (a read-only disk) sends nothing: it says why and stops.
  print({ refused: error?.code ?? String(error?.message) });
  print({
    summary: {
      finished: 0,
      unfinished: spec.count,
      resumed: 0,
      resumeRefused: 0,
      refused: 1,
      refusedBy: { [error?.code ?? 'open']: 1 },
      journalCalls,
      openFailed: error?.code ?? String(error?.message),
    },
  });
  process.exit(0);
}
const { journal, close } = opened;
const client = new MarketClient({
  userId: 10,
  secret: 'emulator-reseller-key',
  baseUrl: spec.marketUrl,
  journal: timed(journal, spec.timeoutMs + SLACK_MS),
  timeoutMs: 2000,
  retries: spec.retries ?? 2,
  retryBaseMs: 10,
  retryMaxMs: 100,
});

const summary = {
  finished: 0,
  unfinished: 0,
  resumed: 0,
  resumeRefused: 0,
  refused: 0,
  refusedBy: {},
  journalCalls,
};
const refused = (error) => {
  summary.refused++;
  const code = error?.code ?? String(error?.message).split(' ').slice(0, 3).join(' ');
  summary.refusedBy[code] = (summary.refusedBy[code] ?? 0) + 1;
  print({ refused: code });
};

const stopAt = Date.now() + spec.budgetMs;
if (spec.resume) {
  print({ stage: 'resumePending' });
  try {
    for (const report of await client.resumePending()) {
      if (report.status === 'still-pending') {
        summary.resumeRefused++;
        refused(report.error);
      } else summary.resumed++;
    }
  } catch (error) {
    summary.resumeRefused++;
    refused(error);
  }
}

const buyers = ['alice', 'bob', 'charlie'];
/** One operation until the API answers it, or the budget ends. */
async function fulfil(i) {
  const key = `${spec.keyPrefix}${i}`;
  const method = i % 2 === 0 ? 'gift-product' : 'transfer-money';
  for (let attempt = 0; ; attempt++) {
    // Past the budget an operation not yet tried is left for the next run, as a queue would.
    if (attempt === 0 && Date.now() > stopAt && spec.budgetMs > 0) {
      summary.unfinished++;
      print({ key, method, status: 'unfinished' });
      return;
    }
    try {
      const result =
        method === 'gift-product'
          ? await client.giftProduct({ key, username: buyers[i % 3], product: 'csgo', days: 30 })
          : await client.transferMoney({ key, username: buyers[i % 3], amount: 0.5 });
      summary.finished++;
      print({ key, method, id: result.id, status: result.status, fromJournal: result.fromJournal });
      return;
    } catch (error) {
      if (String(error?.code).startsWith('ERR_MARKET_') && error?.retryable !== true) {
        // The API's own final answer: journaled as failed; not a store matter.
        summary.finished++;
        print({ key, method, status: 'failed', code: error.code });
        return;
      }
      refused(error);
      if (Date.now() > stopAt) {
        summary.unfinished++;
        print({ key, method, status: 'unfinished' });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, spec.pauseMs ?? 100));
    }
  }
}

let next = 0;
const total = spec.count;
async function worker() {
  while (next < total) await fulfil(spec.first + next++);
}
await Promise.all(Array.from({ length: spec.concurrency }, worker));
print({ summary });
await close();
print({ stage: 'closed' });
// The batch is done and the journal's client closed. A client can still hold a handle that keeps
// the process up (ioredis's Cluster did, after a failover, in one run of the matrix): the worker
// then says so and exits, as a batch worker ends its run.
setTimeout(() => {
  print({ stage: 'lingered', note: `still up ${LINGER_MS} ms after closing its client: exits` });
  process.exit(0);
}, LINGER_MS).unref();

/** The journal of the spec, and how to let go of its connection. */
async function openJournal(store) {
  if (store.kind === 'postgres') {
    const [{ default: pg }, { PostgresIdJournal }] = await Promise.all([
      import('pg'),
      import('neverlose-postgres/market'),
    ]);
    const pool = new pg.Pool({
      connectionString: store.url,
      max: 4,
      connectionTimeoutMillis: spec.timeoutMs,
    });
    pool.on('error', () => undefined);
    const onBegin =
      store.hook === 'swallow'
        ? async (tx) => {
            try {
              await tx.query('INSERT INTO no_such_table VALUES (1)');
            } catch {
              // A hook that "handles" its failure: the transaction is aborted all the same.
            }
          }
        : undefined;
    return {
      journal: new PostgresIdJournal(pool, {
        tablePrefix: store.tablePrefix,
        timeoutMs: spec.timeoutMs,
        ...(onBegin ? { onBegin } : {}),
      }),
      close: () => pool.end().catch(() => undefined),
    };
  }
  if (store.kind === 'redis' || store.kind === 'redis-cluster') {
    const { RedisIdJournal } = await import('neverlose-redis/market');
    let redis;
    if (store.kind === 'redis') {
      const { createClient } = await import('redis');
      redis = createClient({ url: store.url, socket: { reconnectStrategy: () => 50 } });
      redis.on('error', () => undefined);
      // Not awaited: commands wait in the client's queue until it connects (or time out).
      redis.connect().catch(() => undefined);
    } else {
      const { Cluster } = await import('ioredis');
      redis = new Cluster(
        store.nodes.map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })),
      );
      redis.on('error', () => undefined);
    }
    return {
      journal: new RedisIdJournal(redis, {
        prefix: store.prefix,
        timeoutMs: spec.timeoutMs,
        ...(store.waitForReplicas
          ? { waitForReplicas: { count: store.waitForReplicas, timeoutMs: 300 } }
          : {}),
      }),
      close: async () => {
        // Not close(): it waits for replies a silent server never sends.
        if (store.kind === 'redis') redis.destroy();
        else redis.disconnect();
      },
    };
  }
  const { openSqliteIdJournal } = await import('neverlose-market/sqlite');
  const sqlite = await openSqliteIdJournal(store.file, {
    driver: store.driver,
    busyTimeoutMs: spec.timeoutMs,
  });
  return { journal: sqlite, close: async () => sqlite.close() };
}

/** The journal, each call timed against its deadline. */
function timed(target, deadlineMs) {
  const wrap =
    (name) =>
    async (...args) => {
      const started = performance.now();
      const stalledBefore = stalledSoFar();
      try {
        return await target[name](...args);
      } finally {
        const took = performance.now() - started;
        const stalled = stalledSoFar() - stalledBefore;
        journalCalls.count++;
        journalCalls.slowestMs = Math.max(journalCalls.slowestMs, Math.round(took));
        journalCalls.mostStalledMs = Math.max(journalCalls.mostStalledMs, Math.round(stalled));
        if (took - stalled > deadlineMs) journalCalls.pastDeadline++;
      }
    };
  return {
    begin: wrap('begin'),
    complete: wrap('complete'),
    fail: wrap('fail'),
    get: wrap('get'),
    pending: wrap('pending'),
  };
}

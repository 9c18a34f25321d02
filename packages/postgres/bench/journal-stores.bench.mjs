// Journaled money operations per second on each durable store, on the same load: MarketClient
// (16 in flight) sending transfer-money with a new business key each, to a stand-in market API in
// its own process; and the journal steps alone (begin + complete, no HTTP). PostgreSQL twice, once
// per driver (node-postgres and postgres.js), to show what the driver choice costs.
// Runs the BUILT packages: `pnpm build` first. Starts its own PostgreSQL and Redis on loopback.
// Usage: node bench/journal-stores.bench.mjs [seconds per run, default 2] [rounds, default 5] [only stores whose name has this text: prints, writes no results]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printSuite, writeSuite } from '@neverlose-toolkit/test-support/bench-report';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import { startPostgresCluster } from '@neverlose-toolkit/test-support/postgres-cluster';

if (process.argv[2] === 'serve') {
  // A market API that applies each request id once and answers success.
  const reply = '{"success":true,"succ":true}';
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.length });
      res.end(reply);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
} else {
  const { MarketClient } = await import('neverlose-market/client');
  const { MemoryIdJournal } = await import('neverlose-market/journal');
  const { openSqliteIdJournal } = await import('neverlose-market/sqlite');
  const { RedisIdJournal } = await import('neverlose-redis/market');
  const { migrate } = await import('../dist/index.js');
  const { PostgresIdJournal } = await import('../dist/market.js');
  const { createClient } = await import('redis');
  const { default: pg } = await import('pg');
  const { default: postgresJs } = await import('postgres');

  const seconds = Number(process.argv[2] ?? 2);
  const concurrency = 16;
  const ROUNDS = Number(process.argv[3] ?? 5);
  const only = process.argv[4];
  const dir = mkdtempSync(join(tmpdir(), 'neverlose-journal-bench-'));
  const cleanups = [];
  try {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => child.kill());
    const port = await new Promise((resolve, reject) => {
      child.stdout.once('data', (data) => resolve(Number(String(data).trim())));
      child.once('exit', (code) => reject(new Error(`the stand-in market exited (${code})`)));
    });
    const baseUrl = `http://127.0.0.1:${port}/api/market`;

    const cluster = await startPostgresCluster();
    cleanups.push(() => cluster.stop());
    const pool = new pg.Pool({ connectionString: cluster.url, max: concurrency });
    cleanups.push(() => pool.end());
    await migrate(pool);
    const sql = postgresJs(cluster.url, { max: concurrency, onnotice: () => undefined });
    cleanups.push(() => sql.end());
    // postgres.js behind the same small interface node-postgres's Pool has.
    const viaPostgresJs = {
      query: async (text, values) => ({ rows: await sql.unsafe(text, values ?? []) }),
    };

    const redisPort = await freePort();
    const redisServer = spawn(
      'redis-server',
      // biome-ignore format: flags and values in pairs
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--dir', dir,
        '--appendonly', 'yes', '--appendfsync', 'always'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => redisServer.kill());
    await new Promise((resolve, reject) => {
      redisServer.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
      let seen = '';
      redisServer.stdout.on('data', (chunk) => {
        seen += chunk;
        if (seen.includes('Ready to accept connections')) resolve();
      });
    });
    redisServer.removeAllListeners('exit');
    const redis = await createClient({ url: `redis://127.0.0.1:${redisPort}` }).connect();
    cleanups.push(() => redis.quit());

    let run = 0;
    const stores = [
      {
        name: 'memory (no durability; the HTTP cost alone)',
        open: async () => new MemoryIdJournal(),
      },
      {
        name: 'SQLite, synchronous FULL (one process)',
        open: () => openSqliteIdJournal(join(dir, `journal-${run}.db`)),
      },
      {
        name: 'Redis, appendfsync always',
        open: async () => {
          await redis.sendCommand(['CONFIG', 'SET', 'appendfsync', 'always']);
          return new RedisIdJournal(redis, { prefix: `bench${run}:` });
        },
      },
      {
        name: 'Redis, appendfsync everysec (loses up to 1 s on a crash)',
        open: async () => {
          await redis.sendCommand(['CONFIG', 'SET', 'appendfsync', 'everysec']);
          return new RedisIdJournal(redis, { prefix: `bench${run}:` });
        },
      },
      {
        name: 'PostgreSQL, node-postgres (pg)',
        open: async () =>
          new PostgresIdJournal(pool, { tablePrefix: await fresh(pool, migrate, run) }),
      },
      {
        name: 'PostgreSQL, postgres.js',
        open: async () =>
          new PostgresIdJournal(viaPostgresJs, { tablePrefix: await fresh(pool, migrate, run) }),
      },
    ];

    // Rounds alternate the stores, and each figure is the median of its rounds: the machine's
    // other load then weighs on every store alike.
    const samples = {};
    const measured = stores.filter((store) => only === undefined || store.name.includes(only));
    for (let round = 0; round < ROUNDS; round++) {
      for (const store of measured) {
        for (const mode of ['MarketClient', 'journal steps']) {
          run++;
          const journal = await store.open();
          const rate = await measure(mode, journal, baseUrl, MarketClient, seconds, concurrency);
          await journal.close?.();
          const label = `${store.name} / ${mode}`;
          samples[label] = [...(samples[label] ?? []), rate];
        }
      }
    }
    const results = {};
    const figures = [];
    for (const store of measured) {
      for (const mode of ['MarketClient', 'journal steps']) {
        const rates = samples[`${store.name} / ${mode}`].sort((a, b) => a - b);
        const rate = rates[Math.floor(rates.length / 2)];
        results[`${store.name} / ${mode}`] = rate;
        figures.push({
          name: `${mode === 'MarketClient' ? 'journaled transferMoney' : 'begin + complete only'}: ${store.name}`,
          value: rate,
          unit: 'ops/s',
          note: `rounds: ${rates.join(', ')}`,
        });
      }
    }
    const pgRate = results['PostgreSQL, node-postgres (pg) / MarketClient'];
    const jsRate = results['PostgreSQL, postgres.js / MarketClient'];
    figures.push({
      name: 'setup',
      value: `${concurrency} in flight, ${ROUNDS} alternating rounds of ${seconds} s per store after a 0.5 s warm-up, median kept, a new business key per operation; PostgreSQL 15 and Redis on loopback with fsync on; the stand-in market in its own process`,
      unit: '',
    });
    if (only !== undefined) {
      for (const figure of figures) console.log(`${figure.name}: ${figure.value} (${figure.note})`);
      process.exitCode = 0;
    }
    const report = (only === undefined ? writeSuite : (suite, body) => ({ suite, ...body }))(
      'journal-stores',
      {
        command: 'node packages/postgres/bench/journal-stores.bench.mjs',
        figures,
        goals: [
          {
            name: 'node-postgres / postgres.js journaled operations per second',
            value: pgRate / jsRate,
            target: 0.9,
            met: pgRate / jsRate >= 0.9,
          },
        ],
      },
    );
    printSuite(report);
  } finally {
    for (const cleanup of cleanups.reverse())
      await Promise.resolve(cleanup()).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(mode, journal, baseUrl, MarketClient, seconds, concurrency) {
  const client = new MarketClient({
    userId: 1,
    secret: 'bench-secret',
    baseUrl,
    journal,
    retries: 0,
  });
  let n = 0;
  const once = async () => {
    const key = `op-${n++}`;
    if (mode === 'MarketClient') {
      await client.transferMoney({ key, username: 'alice', amount: 0.5 });
    } else {
      await journal.begin({
        key,
        requestId: JSON.stringify(key),
        method: 'transfer-money',
        params: '{"username":"alice","amount":0.5}',
        fingerprint: key,
      });
      await journal.complete(
        { method: 'transfer-money', key },
        { status: 'completed', reply: { success: true } },
      );
    }
  };
  const loop = async (deadline, count) => {
    let done = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          await once();
          done++;
        }
      }),
    );
    return count ? done : 0;
  };
  await loop(performance.now() + 500, false);
  const start = performance.now();
  const done = await loop(start + seconds * 1000, true);
  return Math.round(done / ((performance.now() - start) / 1000));
}

async function fresh(pool, migrate, run) {
  const tablePrefix = `bench${run}_`;
  await migrate(pool, { tablePrefix });
  return tablePrefix;
}

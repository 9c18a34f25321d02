import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { journalEntry as entry } from '@neverlose-toolkit/test-support/journal-entry';
import { startSilentServer } from '@neverlose-toolkit/test-support/silent-server';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { MarketClient } from 'neverlose-market/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, withTransaction } from '../src/index.js';
import { PostgresIdJournal, PostgresWebhookDedupStore } from '../src/market.js';
import { PostgresSessionRevocationStore, PostgresTransactionStore } from '../src/oidc.js';
import { startPostgres, type TestPostgres } from './postgres-server.js';

// How the adapters fail when the server does: each failure a coded error within its deadline, the
// process up, and nothing sent that the journal did not record.

let db: TestPostgres;
beforeAll(async () => {
  db = await startPostgres();
});
afterAll(() => db?.stop());

describe('a server that ends a connection held in a transaction (a restart)', () => {
  it('fails the transaction with ERR_POSTGRES_UNAVAILABLE and the process stays up', async () => {
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, 'held-connection-child.mjs'), db.url],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const { pid } = JSON.parse((await lines.next()).value as string) as { pid: number };
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    child.stdin!.end('go\n');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const outcome = JSON.parse((await lines.next()).value as string) as Record<string, unknown>;
    expect(outcome).toMatchObject({ ok: false, code: 'ERR_POSTGRES_UNAVAILABLE', after: 1 });
  });
});

describe('a hook that catches the error of its own statement', () => {
  it('fails begin(): COMMIT of the aborted transaction rolled the entry back', async () => {
    const tables = await db.tables();
    const journal = new PostgresIdJournal(db.pool(), {
      ...tables,
      onBegin: async (tx) => {
        try {
          await tx.query('INSERT INTO no_such_table VALUES (1)');
        } catch {
          // "Best effort": the hook goes on as if nothing happened.
        }
      },
    });
    await expect(journal.begin(entry('order-1', '"req-1"'))).rejects.toMatchObject({
      code: 'ERR_POSTGRES_TRANSACTION_ABORTED',
    });
    expect(await journal.pending()).toEqual([]);
  });

  it('fails withTransaction() the same way, whatever the work returned', async () => {
    const pool = db.pool();
    await expect(
      withTransaction(pool, async (tx) => {
        await tx.query('SELECT 1/0').catch(() => undefined);
        return 'done';
      }),
    ).rejects.toMatchObject({ code: 'ERR_POSTGRES_TRANSACTION_ABORTED' });
  });
});

describe('a read-only server (a standby, default_transaction_read_only)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(() => emulator?.stop());

  it('refuses begin() with ERR_POSTGRES_READ_ONLY', async () => {
    const tables = await db.tables();
    const readOnly = db.pool({ options: '-c default_transaction_read_only=on' });
    await expect(
      new PostgresIdJournal(readOnly, tables).begin(entry('order-2', '"req-2"')),
    ).rejects.toMatchObject({ code: 'ERR_POSTGRES_READ_ONLY' });
  });

  it('refuses a sign-out with ERR_POSTGRES_READ_ONLY rather than report a revocation it did not keep', async () => {
    const tables = await db.tables();
    const readOnly = db.pool({ options: '-c default_transaction_read_only=on' });
    await expect(
      new PostgresSessionRevocationStore(readOnly, tables).revoke('session', Date.now() + 60_000),
    ).rejects.toMatchObject({ code: 'ERR_POSTGRES_READ_ONLY' });
  });

  it('resumes nothing: a pending operation is not sent when its outcome cannot be recorded', async () => {
    const tables = await db.tables();
    await new PostgresIdJournal(db.pool(), tables).begin(entry('order-3', '"resume-ro-3"'));
    const readOnly = db.pool({ options: '-c default_transaction_read_only=on' });
    // Its first write (and durability check) passed earlier: the server turned read-only since.
    const journal = new PostgresIdJournal(readOnly, {
      ...tables,
      dangerouslyAllowNonDurableCommits: true,
    });
    const client = new MarketClient({
      userId: 10,
      secret: 'emulator-reseller-key',
      baseUrl: `${emulator.url}/api/market`,
      journal,
    });
    const reports = await client.resumePending();
    expect(reports).toMatchObject([
      { key: 'order-3', status: 'still-pending', error: { code: 'ERR_POSTGRES_READ_ONLY' } },
    ]);
    expect(emulator.calls.filter((call) => call.requestId === 'resume-ro-3')).toEqual([]);
  });
});

describe('a server that accepts connections and never answers', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(() => silent?.stop());

  it('ends every store call in ERR_POSTGRES_TIMEOUT within its deadline', async () => {
    const pool = new pg.Pool({ connectionString: `postgres://x@127.0.0.1:${silent.port}/x` });
    pool.on('error', () => undefined);
    const journal = new PostgresIdJournal(pool, { timeoutMs: 300 });
    const dedup = new PostgresWebhookDedupStore(pool, { timeoutMs: 300 });
    const transactions = new PostgresTransactionStore(pool, { timeoutMs: 300 });
    const revocations = new PostgresSessionRevocationStore(pool, { timeoutMs: 300 });
    const started = performance.now();
    const outcomes = await Promise.allSettled([
      journal.begin(entry('order-4', '"req-4"')),
      journal.pending(),
      dedup.claim('purchase', 1, 60),
      transactions.take('binding'),
      revocations.revoke('session', Date.now() + 60_000),
      revocations.isRevoked('session', Date.now()),
      withTransaction(pool, async () => undefined, { timeoutMs: 300 }),
    ]);
    const elapsed = performance.now() - started;
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: { code: 'ERR_POSTGRES_TIMEOUT' },
      });
    }
    expect(elapsed).toBeLessThan(300 + 1000);
    expect(silent.accepted()).toBeGreaterThan(0);
  });
});

describe('a server that refuses connections', () => {
  it('fails with ERR_POSTGRES_UNAVAILABLE, the driver error as its cause', async () => {
    const unused = await startSilentServer();
    await unused.stop();
    const pool = new pg.Pool({ connectionString: `postgres://x@127.0.0.1:${unused.port}/x` });
    pool.on('error', () => undefined);
    const error = await new PostgresIdJournal(pool)
      .begin(entry('order-5', '"req-5"'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_POSTGRES_UNAVAILABLE',
      cause: { code: 'ECONNREFUSED' },
    });
  });
});

describe('migrate() of apps with different table prefixes at once', () => {
  it('creates their new schema once and migrates every prefix', async () => {
    const schema = `s${Date.now().toString(36)}${process.pid}`;
    const reports = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => migrate(db.pool(), { schema, tablePrefix: `p${i}_` })),
    );
    expect(reports.filter((r) => r.status === 'rejected')).toEqual([]);
  });
});

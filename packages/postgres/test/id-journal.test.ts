import { journalEntry as entry } from '@neverlose-toolkit/test-support/journal-entry';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { MarketClient } from 'neverlose-market/client';
import type { JournalEntry } from 'neverlose-market/journal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresQueryable } from '../src/index.js';
import { PostgresIdJournal } from '../src/market.js';
import { startPostgres, type TestPostgres } from './postgres-server.js';

/** The emulator's reseller account. */
const RESELLER_ID = 10;
const API_KEY = 'emulator-reseller-key';

let db: TestPostgres;
beforeAll(async () => {
  db = await startPostgres();
});
afterAll(() => db?.stop());

// What is specific to PostgreSQL; what every journal keeps is in contract.test.ts.
describe('PostgresIdJournal', () => {
  it('says to migrate when its table does not exist', async () => {
    const journal = new PostgresIdJournal(db.pool(), { tablePrefix: 'never_migrated_' });
    await expect(journal.begin(entry('a', '"1"'))).rejects.toMatchObject({
      code: 'ERR_POSTGRES_NOT_MIGRATED',
    });
  });

  it('refuses a server that acknowledges commits it may lose, unless told it is a test server', async () => {
    const tables = await db.tables();
    const careless = db.pool({ options: '-c synchronous_commit=off' });
    const journal = new PostgresIdJournal(careless, tables);
    await expect(journal.begin(entry('a', '"1"'))).rejects.toMatchObject({
      code: 'ERR_POSTGRES_NOT_DURABLE',
      message: expect.stringContaining('synchronous_commit = off'),
    });
    expect(await journal.get({ method: 'gift-product', key: 'a' })).toBeUndefined();
    const allowed = new PostgresIdJournal(careless, {
      ...tables,
      dangerouslyAllowNonDurableCommits: true,
    });
    expect((await allowed.begin(entry('a', '"1"'))).created).toBe(true);
  });

  it('refuses an invalid table prefix and hooks on a single connection', () => {
    expect(() => new PostgresIdJournal(db.pool(), { tablePrefix: 'x"; DROP' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    const connection = { query: db.query };
    expect(() => new PostgresIdJournal(connection, { onBegin: async () => undefined })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });

  describe('with your own rows in the same transaction', () => {
    /** The app's row of an order: written in the journal's transaction. */
    const insertOrder = (table: string) => async (tx: PostgresQueryable, begun: JournalEntry) => {
      await tx.query(`INSERT INTO ${table} VALUES ($1, $2, 'delivering')`, [
        begun.key,
        begun.requestId,
      ]);
    };

    async function ordersTable(): Promise<{ table: string; tablePrefix: string }> {
      const tables = await db.tables();
      const table = `${tables.tablePrefix}orders`;
      await db.query(
        `CREATE TABLE ${table} (key text PRIMARY KEY, request_id text NOT NULL, status text NOT NULL)`,
      );
      return { table, ...tables };
    }

    it('commits the order row with a new entry, and runs no hook for an existing key', async () => {
      const { table, tablePrefix } = await ordersTable();
      const journal = new PostgresIdJournal(db.pool(), {
        tablePrefix,
        onBegin: insertOrder(table),
        onSettle: async (tx, settled) => {
          await tx.query(`UPDATE ${table} SET status = $2 WHERE key = $1`, [
            settled.key,
            settled.state,
          ]);
        },
      });
      await journal.begin(entry('order-1', '"req-1"'));
      await journal.begin(entry('order-1', '"req-2"'));
      await journal.complete({ method: 'gift-product', key: 'order-1' }, { status: 'completed' });
      await journal.complete(
        { method: 'gift-product', key: 'order-1' },
        { status: 'already-completed' },
      );
      const { rows } = await db.query(`SELECT * FROM ${table}`);
      expect(rows).toEqual([{ key: 'order-1', request_id: '"req-1"', status: 'completed' }]);
    });

    it('rolls the entry back when the hook fails: no order row, no entry, nothing sent', async () => {
      const { table, tablePrefix } = await ordersTable();
      const journal = new PostgresIdJournal(db.pool(), {
        tablePrefix,
        onBegin: async (tx, begun) => {
          await insertOrder(table)(tx, begun);
          throw new Error('out of stock');
        },
      });
      await expect(journal.begin(entry('order-2', '"req-2"'))).rejects.toThrow('out of stock');
      expect(await journal.get({ method: 'gift-product', key: 'order-2' })).toBeUndefined();
      expect((await db.query(`SELECT * FROM ${table}`)).rows).toEqual([]);
    });

    it('rolls a settlement back with its hook: the entry stays pending for resumePending()', async () => {
      const { tablePrefix } = await ordersTable();
      const journal = new PostgresIdJournal(db.pool(), {
        tablePrefix,
        onSettle: async () => {
          throw new Error('disk full');
        },
      });
      await journal.begin(entry('order-3', '"req-3"'));
      await expect(
        journal.complete({ method: 'gift-product', key: 'order-3' }, { status: 'completed' }),
      ).rejects.toThrow('disk full');
      expect((await journal.pending()).map((e) => e.key)).toEqual(['order-3']);
    });

    it('keeps one entry and one order row when many begins with hooks race', async () => {
      const { table, tablePrefix } = await ordersTable();
      const journals = [0, 1].map(
        () =>
          new PostgresIdJournal(db.pool(), {
            tablePrefix,
            onBegin: insertOrder(table),
          }),
      );
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) => journals[i % 2]!.begin(entry('order-4', `"r${i}"`))),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const { rows } = await db.query(`SELECT request_id FROM ${table}`);
      expect(rows).toEqual([{ request_id: results.find((r) => r.created)!.entry.requestId }]);
    });
  });

  describe('behind MarketClient, against the emulator', () => {
    let emulator: RunningEmulator;
    let url: string;
    const applied = (requestId: string) =>
      emulator.ledger().filter((entry) => entry.requestId === requestId).length;

    beforeAll(async () => {
      emulator = await startEmulator();
      url = `${emulator.url}/api/market`;
    });
    afterAll(() => emulator?.stop());

    it('applies an order once when two instances fulfil the same business key', async () => {
      const tables = await db.tables();
      const instances = [0, 1].map(
        () =>
          new MarketClient({
            userId: RESELLER_ID,
            secret: API_KEY,
            baseUrl: url,
            journal: new PostgresIdJournal(db.pool(), tables),
          }),
      );
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          instances[i % 2]!.transferMoney({ key: 'order-42', username: 'alice', amount: 1 }),
        ),
      );
      expect(applied(String(outcomes[0]!.id))).toBe(1);
      for (const outcome of outcomes)
        expect(['completed', 'already-completed']).toContain(outcome.status);
    });

    it('resumes an operation a crash left pending with its original request id', async () => {
      const tables = await db.tables();
      const journal = new PostgresIdJournal(db.pool(), tables);
      // What a process that died after begin() and before the answer leaves behind.
      await journal.begin({
        key: 'order-7',
        requestId: '"crashed-7"',
        method: 'transfer-money',
        params: '{"username":"alice","amount":1.5}',
        fingerprint: 'f',
      });
      const client = new MarketClient({
        userId: RESELLER_ID,
        secret: API_KEY,
        baseUrl: url,
        journal,
      });
      const reports = await client.resumePending();
      expect(reports).toMatchObject([{ key: 'order-7', id: 'crashed-7', status: 'completed' }]);
      expect(applied('crashed-7')).toBe(1);
      expect(await journal.pending()).toEqual([]);
    });
  });
});

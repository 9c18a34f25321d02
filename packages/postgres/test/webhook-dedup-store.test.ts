import { signPayload } from 'neverlose-market/signing';
import { createWebhookHandler } from 'neverlose-market/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../src/index.js';
import { PostgresWebhookDedupStore } from '../src/market.js';
import { startPostgres, type TestPostgres } from './postgres-server.js';

let db: TestPostgres;
beforeAll(async () => {
  db = await startPostgres();
});
afterAll(() => db?.stop());

// What is specific to PostgreSQL; what every dedup store keeps is in contract.test.ts.
describe('PostgresWebhookDedupStore', () => {
  it('deletes expired records by itself as it writes, and keeps live ones', async () => {
    let clock = 1_700_000_000_000;
    const tables = await db.tables();
    const store = new PostgresWebhookDedupStore(db.pool(), {
      ...tables,
      now: () => clock,
      sweepEvery: 5,
    });
    for (let id = 1; id <= 4; id++) await store.complete('purchase', id, 60);
    clock += 61_000;
    await store.complete('purchase', 100, 60); // fifth write: no sweep yet
    await store.complete('purchase', 101, 60); // sixth: sweeps
    const { rows } = await db.query(
      `SELECT unique_id FROM "public"."${tables.tablePrefix}webhook_dedup" ORDER BY unique_id`,
    );
    expect(rows.map((row) => Number(row.unique_id))).toEqual([100, 101]);
  });

  it('refuses a webhook after an app restart: the handled record outlives the process', async () => {
    const tables = await db.tables();
    const body = JSON.stringify({
      kind: 'transfer',
      amount: 1,
      username: 'alice',
      unique_id: 4242,
      signature: signPayload({ amount: 1, username: 'alice', unique_id: 4242 }, 'key'),
    });
    const handled: number[] = [];
    const handler = () =>
      createWebhookHandler({
        secret: 'key',
        dedupStore: new PostgresWebhookDedupStore(db.pool(), tables),
        onEvent: (event) => {
          handled.push(event.uniqueId);
        },
      });
    const post = () =>
      new Request('http://shop.test/webhooks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    expect((await handler()(post())).status).toBe(200);
    const replay = await handler()(post());
    expect(await replay.json()).toMatchObject({ duplicate: true });
    expect(handled).toEqual([4242]);
  });

  it('commits a handler effect once when two deliveries ran it: the second to commit rolls back', async () => {
    let clock = 1_700_000_000_000;
    const tables = await db.tables();
    const table = `"public"."${tables.tablePrefix}payments"`;
    await db.query(`CREATE TABLE ${table} (unique_id bigint NOT NULL)`);
    const pool = db.pool();
    const store = new PostgresWebhookDedupStore(pool, { ...tables, now: () => clock });
    const handle = () =>
      withTransaction(pool, async (tx) => {
        await tx.query(`INSERT INTO ${table} VALUES (77)`);
        await store.completeWithin(tx, 'purchase', 77, 3600);
      });
    expect(await store.claim('purchase', 77, 30)).toBe('claimed');
    clock += 31_000; // the first delivery is slow: its lease ends and a redelivery claims
    expect(await store.claim('purchase', 77, 30)).toBe('claimed');
    await handle();
    await expect(handle()).rejects.toMatchObject({ code: 'ERR_POSTGRES_ALREADY_HANDLED' });
    await store.complete('purchase', 77, 3600);
    expect((await db.query(`SELECT * FROM ${table}`)).rows).toHaveLength(1);
    expect(await store.claim('purchase', 77, 30)).toBe('done');
  });

  it('names the argument that breaks its rule', async () => {
    const store = new PostgresWebhookDedupStore(db.pool(), await db.tables());
    await expect(store.claim('', 1, 60)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('"kind"'),
    });
    await expect(store.claim('purchase', 1.5, 60)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('"uniqueId"'),
    });
    await expect(store.complete('purchase', 1, Number.NaN)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('"ttlSeconds"'),
    });
  });
});

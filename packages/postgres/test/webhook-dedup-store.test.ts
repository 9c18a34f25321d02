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

describe('PostgresWebhookDedupStore', () => {
  it('claims a free event, reports a claimed one as processing and a completed one as done', async () => {
    const store = new PostgresWebhookDedupStore(db.pool(), await db.tables());
    expect(await store.claim('purchase', 7, 60)).toBe('claimed');
    expect(await store.claim('purchase', 7, 60)).toBe('processing');
    expect(await store.claim('transfer', 7, 60)).toBe('claimed');
    await store.complete('purchase', 7, 3600);
    expect(await store.claim('purchase', 7, 60)).toBe('done');
  });

  it('lets exactly one of many concurrent deliveries spread over instances claim an event', async () => {
    const tables = await db.tables();
    const stores = [0, 1, 2].map(() => new PostgresWebhookDedupStore(db.pool(), tables));
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => stores[i % 3]!.claim('transfer', 22, 60)),
    );
    expect(results.filter((result) => result === 'claimed')).toHaveLength(1);
    expect(results.filter((result) => result === 'processing')).toHaveLength(59);
  });

  it('frees a released claim for a redelivery, but never a done record', async () => {
    const store = new PostgresWebhookDedupStore(db.pool(), await db.tables());
    await store.claim('purchase', 9, 60);
    await store.release('purchase', 9);
    expect(await store.claim('purchase', 9, 60)).toBe('claimed');
    await store.complete('purchase', 9, 3600);
    await store.release('purchase', 9);
    expect(await store.claim('purchase', 9, 60)).toBe('done');
  });

  it('frees a claim when its lease ends and forgets a done record after its TTL', async () => {
    let clock = 1_700_000_000_000;
    const store = new PostgresWebhookDedupStore(db.pool(), {
      ...(await db.tables()),
      now: () => clock,
    });
    expect(await store.claim('purchase', 10, 30)).toBe('claimed');
    clock += 29_000;
    expect(await store.claim('purchase', 10, 30)).toBe('processing');
    clock += 1_000;
    expect(await store.claim('purchase', 10, 30)).toBe('claimed');
    await store.complete('purchase', 10, 120);
    clock += 119_000;
    expect(await store.claim('purchase', 10, 30)).toBe('done');
    clock += 1_000;
    expect(await store.claim('purchase', 10, 30)).toBe('claimed');
  });

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
      code: 'ERR_POSTGRES_INVALID_ARGUMENT',
      message: expect.stringContaining('"kind"'),
    });
    await expect(store.claim('purchase', 1.5, 60)).rejects.toMatchObject({
      code: 'ERR_POSTGRES_INVALID_ARGUMENT',
      message: expect.stringContaining('"uniqueId"'),
    });
    await expect(store.complete('purchase', 1, Number.NaN)).rejects.toMatchObject({
      code: 'ERR_POSTGRES_INVALID_ARGUMENT',
      message: expect.stringContaining('"ttlSeconds"'),
    });
  });
});

import { randomUUID } from 'node:crypto';
import {
  fetchToEmulator,
  transferWebhookSignedBy,
} from '@neverlose-toolkit/test-support/market-api';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import type { MarketClient } from 'neverlose-market/client';
import type { AcceptedResellerOrder } from 'neverlose-market/reseller';
import { signPayload } from 'neverlose-market/signing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPostgres, type TestPostgres } from './postgres-server.js';

// The README's wiring (snippets/wiring.ts) runs as written: against neverlose-emulator (the market
// API's address rewritten to it) and a database of its own, through a restart of its connections.

const API_KEY = 'emulator-reseller-key';
const transferWebhook = transferWebhookSignedBy(signPayload);

let db: TestPostgres;
let emulator: RunningEmulator;
let database: string;
let snippet: {
  market: MarketClient;
  webhooks: (request: Request) => Promise<Response>;
  checkout: (token: string) => Promise<AcceptedResellerOrder>;
  pool: pg.Pool;
};
let app: pg.Pool;

beforeAll(async () => {
  [db, emulator] = await Promise.all([startPostgres(), startEmulator({ port: 0 })]);
  database = `snippet_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await db.query(`CREATE DATABASE ${database}`);
  const url = new URL(db.url);
  url.pathname = `/${database}`;
  app = new pg.Pool({ connectionString: url.href, max: 2 });
  app.on('error', () => undefined);
  // The app's own tables, which its migrations would create.
  await app.query(
    'CREATE TABLE orders (key text PRIMARY KEY, status text NOT NULL, request_id text); CREATE TABLE payments (kind text, unique_id bigint, amount text)',
  );
  vi.stubEnv('DATABASE_URL', url.href);
  vi.stubEnv('NEVERLOSE_USER_ID', '10');
  vi.stubEnv('NEVERLOSE_API_KEY', API_KEY);
  vi.stubGlobal('fetch', fetchToEmulator(emulator.url));
  snippet = (await import('../snippets/wiring.js')) as unknown as typeof snippet;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  await snippet?.pool.end();
  await app?.end();
  await emulator?.stop();
  await db?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await db?.stop();
});

describe('the neverlose-postgres README wiring, as written', () => {
  it('pays an order with its row in the journal transaction, handles a webhook once, and spends a checkout token once', async () => {
    await app.query("INSERT INTO orders (key, status) VALUES ('order-1', 'paid')");
    const paid = await snippet.market.transferMoney({
      key: 'order-1',
      username: 'alice',
      amount: 1,
    });
    expect(paid.status).toBe('completed');
    expect(
      (await app.query("SELECT status, request_id FROM orders WHERE key = 'order-1'")).rows,
    ).toEqual([{ status: 'completed', request_id: JSON.stringify(paid.id) }]);

    expect(await (await snippet.webhooks(transferWebhook(42, API_KEY))).json()).toEqual({
      ok: true,
    });
    expect(await (await snippet.webhooks(transferWebhook(42, API_KEY))).json()).toMatchObject({
      duplicate: true,
    });
    expect((await app.query('SELECT unique_id FROM payments')).rows).toEqual([{ unique_id: '42' }]);

    const { token } = await emulator.checkout({
      login: 'reseller',
      integrationId: 100,
      product: 'csgo',
      cnt: 0,
    });
    const first = await snippet.checkout(token);
    expect(first).toMatchObject({ resumed: false, order: { type: 'product' } });
    // A retry of the same checkout (its delivery failed, a reload) resumes the order.
    await expect(snippet.checkout(token)).resolves.toEqual({ ...first, resumed: true });
  });

  it("lives through the server ending its connections (a restart): the pool's error is logged, the next call works", async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await snippet.market.getBalance();
    // Every connection of the app's database, idle ones included, ended by the server.
    await db.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    await vi.waitFor(() =>
      expect(logged).toHaveBeenCalledWith('PostgreSQL connection lost:', expect.any(String)),
    );
    // Each pool drops an ended idle connection when its socket reports the end, one by one: the
    // next statement runs once no ended connection is left to hand out.
    await vi.waitFor(() => expect([app.idleCount, snippet.pool.idleCount]).toEqual([0, 0]));
    logged.mockRestore();
    await app.query("INSERT INTO orders (key, status) VALUES ('order-2', 'paid')");
    const paid = await snippet.market.transferMoney({
      key: 'order-2',
      username: 'alice',
      amount: 1,
    });
    expect(paid.status).toBe('completed');
  });
});

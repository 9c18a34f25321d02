import { MarketClient } from 'neverlose-market/client';
import { acceptResellerOrder } from 'neverlose-market/reseller';
import { createWebhookHandler } from 'neverlose-market/webhooks';
import { migrate, withTransaction } from 'neverlose-postgres';
import {
  PostgresIdJournal,
  PostgresSingleUseTokenStore,
  PostgresWebhookDedupStore,
} from 'neverlose-postgres/market';
import { PostgresTransactionStore } from 'neverlose-postgres/oidc';
import pg from 'pg';

const userId = Number(process.env['NEVERLOSE_USER_ID']);
const apiKey = process.env['NEVERLOSE_API_KEY'] ?? '';

export const pool = new pg.Pool({
  connectionString: process.env['DATABASE_URL'],
  // A server that stops answering must not hold the pool's connections forever.
  connectionTimeoutMillis: 5_000,
  query_timeout: 10_000,
});
// A restart or failover ends the idle connections: pg reports it here, and without a listener
// Node.js would end the process. The pool opens new connections for the next statements.
pool.on('error', (error) => console.error('PostgreSQL connection lost:', error.message));
await migrate(pool); // or once per deploy: npx neverlose-postgres migrate

// Money operations: one request id per business key and method, written (and fsynced) before the
// request leaves. Your order row commits in the same transaction as the journal entry.
const journal = new PostgresIdJournal(pool, {
  onBegin: (tx, entry) =>
    tx.query('UPDATE orders SET status = $2, request_id = $3 WHERE key = $1', [
      entry.key,
      'delivering',
      entry.requestId,
    ]),
  onSettle: (tx, entry) =>
    tx.query('UPDATE orders SET status = $2 WHERE key = $1', [entry.key, entry.state]),
});
export const market = new MarketClient({ userId, secret: apiKey, journal });
await market.resumePending(); // at start-up: finish what a crash interrupted

// Webhooks: handled once across instances and restarts; the effect and the "done" record commit
// together, so not even a crash between them runs it twice. While PostgreSQL is down the
// handler answers 503 with Retry-After, and the provider delivers again.
const dedup = new PostgresWebhookDedupStore(pool);
export const webhooks = createWebhookHandler({
  secret: apiKey,
  dedupStore: dedup,
  onEvent: (event) =>
    withTransaction(pool, async (tx) => {
      await tx.query('INSERT INTO payments (kind, unique_id, amount) VALUES ($1, $2, $3)', [
        event.kind,
        event.uniqueId,
        event.amountText,
      ]);
      await dedup.completeWithin(tx, event.kind, event.uniqueId, 30 * 24 * 3600);
    }),
});

// Reseller checkout: an order is recorded before delivery, and a retry of its token resumes it.
const orders = new PostgresSingleUseTokenStore(pool);
export const checkout = (token: string) =>
  acceptResellerOrder(token, apiKey, { integrationId: 100, store: orders });

// Login with Neverlose: a login started on one instance completes on another.
export const transactions = new PostgresTransactionStore(pool, { maxEntries: 100_000 });

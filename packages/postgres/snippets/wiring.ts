import { MarketClient } from 'neverlose-market/client';
import { verifyResellerToken } from 'neverlose-market/reseller';
import { createWebhookHandler } from 'neverlose-market/webhooks';
import { migrate, withTransaction } from 'neverlose-postgres';
import {
  PostgresIdJournal,
  PostgresSingleUseTokenStore,
  PostgresWebhookDedupStore,
} from 'neverlose-postgres/market';
import { PostgresTransactionStore } from 'neverlose-postgres/oidc';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env['DATABASE_URL'] });
await migrate(pool); // or once per deploy: npx neverlose-postgres migrate

// Money operations: one request id per business key, written (and fsynced) before the request
// leaves. Your order row commits in the same transaction as the journal entry.
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
export const market = new MarketClient({ userId, secret, journal });
await market.resumePending(); // at start-up: finish what a crash interrupted

// Webhooks: handled once across instances and restarts; the effect and the "done" record commit
// together, so not even a crash between them runs it twice.
const dedup = new PostgresWebhookDedupStore(pool);
export const webhooks = createWebhookHandler({
  secret,
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

// Reseller checkout: a token is fulfilled once.
export const order = await verifyResellerToken(token, apiKey, {
  integrationId: 100,
  singleUseStore: new PostgresSingleUseTokenStore(pool),
});

// Login with Neverlose: a login started on one instance completes on another.
export const transactions = new PostgresTransactionStore(pool, { maxEntries: 100_000 });

import type { JournalEntry } from 'neverlose-market/journal';
import { migrate, type PostgresQueryable, withTransaction } from 'neverlose-postgres';
import {
  PostgresIdJournal,
  PostgresSingleUseTokenStore,
  PostgresWebhookDedupStore,
} from 'neverlose-postgres/market';
import pg from 'pg';
import { PostgresWebhookLog } from '../webhooks/postgres-log.js';
import type { ShopStores } from './stores.js';

/** Where the shop's tables are: `neverlose-postgres`'s, and the shop's own beside them. */
export interface PostgresStoreOptions {
  /** Text before every table name. @defaultValue `'neverlose_'` */
  readonly tablePrefix?: string;
}

/**
 * The shop's own tables: its orders, and every webhook received. An example app keeps this next to its
 * code; a real shop has its own migration tool.
 */
function shopSchema(prefix: string): { orders: string; webhooks: string; sql: string } {
  const orders = `"${prefix}shop_orders"`;
  const webhooks = `"${prefix}shop_webhooks"`;
  return {
    orders,
    webhooks,
    sql: `
      CREATE TABLE IF NOT EXISTS ${orders} (
        order_id text PRIMARY KEY,
        method text NOT NULL,
        login text NOT NULL,
        request_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('delivering', 'delivered', 'failed')),
        paid_at timestamptz NOT NULL DEFAULT now(),
        settled_at timestamptz
      );
      CREATE TABLE IF NOT EXISTS ${webhooks} (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL,
        unique_id bigint NOT NULL,
        webhook jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      );`,
  };
}

const ORDER_KEY = /^order-(.+)$/;

/**
 * Several instances, one PostgreSQL: the journal, spent tokens, webhook dedup and the webhook
 * list, all durable (fsynced on commit) and shared. The shop's order row is written in the same
 * transaction as the journal entry of its delivery (`onBegin`), and marked delivered or failed in
 * the same transaction that settles it (`onSettle`): after any crash, the orders table and the
 * journal agree.
 */
export async function openPostgresStores(
  databaseUrl: string,
  options: PostgresStoreOptions = {},
): Promise<ShopStores> {
  const tablePrefix = options.tablePrefix ?? 'neverlose_';
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    // A server that is down or hung answers a request (and start-up) with an error, not never.
    connectionTimeoutMillis: 5_000,
    query_timeout: 10_000,
  });
  // A connection the server closed (a restart, a failover) is an error on the idle client: log
  // it; the pool opens a new connection for the next query.
  pool.on('error', (error) => console.error('reseller-shop: PostgreSQL connection lost:', error));
  try {
    await migrate(pool, { tablePrefix });
    const shop = shopSchema(tablePrefix);
    await withTransaction(pool, async (tx) => {
      // Instances starting together would race on CREATE TABLE IF NOT EXISTS: take turns.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `reseller-shop:${tablePrefix}`,
      ]);
      await tx.query(shop.sql);
    });
    const journal = new PostgresIdJournal(pool, {
      tablePrefix,
      onBegin: (tx, entry) => recordOrder(tx, shop.orders, entry),
      onSettle: (tx, entry) => settleOrder(tx, shop.orders, entry),
    });
    const dedup = new PostgresWebhookDedupStore(pool, { tablePrefix });
    return {
      journal,
      tokens: new PostgresSingleUseTokenStore(pool, { tablePrefix }),
      dedup,
      webhookLog: new PostgresWebhookLog(pool, shop.webhooks, dedup),
      description: `PostgreSQL ${new URL(databaseUrl).host}: journal with the orders table, tokens, webhook dedup and log, shared by every instance`,
      close: () => pool.end(),
    };
  } catch (error) {
    await pool.end();
    throw new Error(`DATABASE_URL: ${(error as Error).message}`, { cause: error });
  }
}

/** The order is paid and its delivery begins: one row, committed with the journal entry. */
async function recordOrder(tx: PostgresQueryable, table: string, entry: JournalEntry) {
  const orderId = ORDER_KEY.exec(entry.key)?.[1];
  if (orderId === undefined) return;
  const params = JSON.parse(entry.params) as Record<string, unknown>;
  await tx.query(
    `INSERT INTO ${table} (order_id, method, login, request_id, status) VALUES ($1, $2, $3, $4, 'delivering')`,
    [orderId, entry.method, String(params['username']), entry.requestId],
  );
}

/** The delivery's outcome, committed with the journal's. */
async function settleOrder(tx: PostgresQueryable, table: string, entry: JournalEntry) {
  const orderId = ORDER_KEY.exec(entry.key)?.[1];
  if (orderId === undefined) return;
  await tx.query(`UPDATE ${table} SET status = $2, settled_at = now() WHERE order_id = $1`, [
    orderId,
    entry.state === 'completed' ? 'delivered' : 'failed',
  ]);
}

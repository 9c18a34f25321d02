import { type PostgresPool, withTransaction } from 'neverlose-postgres';
import type { PostgresWebhookDedupStore } from 'neverlose-postgres/market';
import { type ReceivedWebhook, WEBHOOK_LOG_SIZE, type WebhookLog } from './log.js';

/** How long a handled webhook is remembered: the webhook handler's default `dedupTtlSeconds`. */
const DEDUP_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Every received webhook in a table, shared by all instances (the page lists the latest). Each
 * row commits in one transaction with the event's "done" record, so a webhook is recorded once
 * even when an instance dies between recording it and marking it handled.
 */
export class PostgresWebhookLog implements WebhookLog {
  readonly #pool: PostgresPool;
  readonly #table: string;
  readonly #dedup: PostgresWebhookDedupStore;

  /** @param table The quoted table name (created by the shop's migration). */
  constructor(pool: PostgresPool, table: string, dedup: PostgresWebhookDedupStore) {
    this.#pool = pool;
    this.#table = table;
    this.#dedup = dedup;
  }

  async add(webhook: ReceivedWebhook): Promise<void> {
    await withTransaction(this.#pool, async (tx) => {
      await tx.query(
        `INSERT INTO ${this.#table} (kind, unique_id, webhook) VALUES ($1, $2, $3::jsonb)`,
        [webhook.kind, webhook.uniqueId, JSON.stringify(webhook)],
      );
      await this.#dedup.completeWithin(tx, webhook.kind, webhook.uniqueId, DEDUP_TTL_SECONDS);
    });
  }

  async recent(): Promise<readonly ReceivedWebhook[]> {
    const { rows } = await this.#pool.query(
      `SELECT webhook FROM ${this.#table} ORDER BY seq DESC LIMIT $1`,
      [WEBHOOK_LOG_SIZE],
    );
    return rows.map((row) => row['webhook'] as ReceivedWebhook);
  }
}

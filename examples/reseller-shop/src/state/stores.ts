import type { IdJournal } from 'neverlose-market/journal';
import type { SingleUseTokenStore } from 'neverlose-market/reseller';
import {
  openSqliteDedupStore,
  openSqliteJournal,
  openSqliteSingleUseStore,
} from 'neverlose-market/sqlite';
import type { WebhookDedupStore } from 'neverlose-market/webhooks';
import { RedisIdJournal, RedisSingleUseTokenStore, RedisWebhookDedupStore } from 'neverlose-redis';
import { createClient } from 'redis';
import { MemoryWebhookLog, RedisWebhookLog, type WebhookLog } from '../webhooks/log.js';

/** Everything the shop remembers between requests. */
export interface ShopStores {
  /** Business key -> request id of every delivery: a paid order is delivered at most once. */
  readonly journal: IdJournal;
  /** Spent `nl_purchase` tokens: a token is paid for once. */
  readonly tokens: SingleUseTokenStore;
  /** Handled webhooks: a redelivery is not listed twice. */
  readonly dedup: WebhookDedupStore;
  readonly webhookLog: WebhookLog;
  /** One line for the admin page. */
  readonly description: string;
  close(): Promise<void>;
}

/**
 * One instance: the journal, spent tokens and handled webhooks in one SQLite file (each in its own
 * table, fsynced before the call returns), so a restart neither re-sends a delivery, nor accepts a
 * spent token, nor runs a replayed webhook again. The webhook log, for the admin page, is in memory.
 */
export async function openLocalStores(databasePath: string): Promise<ShopStores> {
  const journal = await openSqliteJournal(databasePath);
  const tokens = await openSqliteSingleUseStore(databasePath);
  const dedup = await openSqliteDedupStore(databasePath);
  return {
    journal,
    tokens,
    dedup,
    webhookLog: new MemoryWebhookLog(),
    description: `SQLite ${databasePath}: journal, tokens and webhook dedup; webhook log in memory`,
    close: async () => {
      dedup.close();
      tokens.close();
      journal.close();
    },
  };
}

/**
 * Several instances behind a load balancer: every store in Redis. The journal moves to Redis too,
 * because two instances with their own SQLite files could each map one order to a different
 * request id and deliver it twice; one shared journal maps it to one id. Its durability is Redis's
 * (see the README: `appendonly yes`, `appendfsync always`).
 */
export async function openRedisStores(redisUrl: string, prefix: string): Promise<ShopStores> {
  const client = createClient({ url: redisUrl });
  client.on('error', (error: unknown) => console.error('reseller-shop: Redis error:', error));
  await client.connect();
  const commands = {
    sendCommand: (args: string[]): Promise<unknown> => client.sendCommand(args),
  };
  return {
    journal: new RedisIdJournal(commands, { prefix }),
    tokens: new RedisSingleUseTokenStore(commands, { prefix }),
    dedup: new RedisWebhookDedupStore(commands, { prefix }),
    webhookLog: new RedisWebhookLog(commands, prefix),
    description: `Redis ${new URL(redisUrl).host}: journal, tokens, webhook dedup and log shared by every instance`,
    close: async () => {
      await client.close();
    },
  };
}

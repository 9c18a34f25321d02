import type { IdJournal } from 'neverlose-market/journal';
import type { SingleUseTokenStore } from 'neverlose-market/reseller';
import {
  openSqliteIdJournal,
  openSqliteSingleUseTokenStore,
  openSqliteWebhookDedupStore,
} from 'neverlose-market/sqlite';
import type { WebhookDedupStore } from 'neverlose-market/webhooks';
import {
  type ConnectableRedisClient,
  connectRedis,
  type RedisCommandClient,
} from 'neverlose-redis';
import {
  RedisIdJournal,
  RedisSingleUseTokenStore,
  RedisWebhookDedupStore,
} from 'neverlose-redis/market';
import { createClient, createCluster } from 'redis';
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
  const journal = await openSqliteIdJournal(databasePath);
  const tokens = await openSqliteSingleUseTokenStore(databasePath);
  const dedup = await openSqliteWebhookDedupStore(databasePath);
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

/** Start-up fails when Redis does not accept the connection within this time. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Several instances behind a load balancer: every store in Redis. The journal moves to Redis too,
 * because two instances with their own SQLite files could each map one order to a different
 * request id and deliver it twice; one shared journal maps it to one id. Its durability is Redis's
 * (see the README: `appendonly yes`, `appendfsync always`).
 *
 * `redisUrl` is `redis://host:6379`, or a Redis Cluster as `redis+cluster://host1:6379,host2:6379`
 * (any of its nodes): the adapters take the cluster client as it is and route each key.
 */
export async function openRedisStores(redisUrl: string, prefix: string): Promise<ShopStores> {
  const clusterScheme = 'redis+cluster://';
  const nodes = redisUrl.startsWith(clusterScheme)
    ? redisUrl.slice(clusterScheme.length).split(',')
    : undefined;
  const onError = (error: unknown) => console.error('reseller-shop: Redis error:', error);
  // Start-up fails within the deadline, in one error naming the last attempt, rather than hang;
  // once connected, the client's errors go to onError (it reconnects by itself meanwhile).
  const connect = <Client extends ConnectableRedisClient>(made: Client) =>
    connectRedis(made, { timeoutMs: CONNECT_TIMEOUT_MS, onError }).catch((error: unknown) => {
      throw new Error(`REDIS_URL: ${(error as Error).message}`, { cause: error });
    });
  let client: ReturnType<typeof createClient> | ReturnType<typeof createCluster>;
  let commands: RedisCommandClient;
  if (nodes === undefined) {
    const single = await connect(createClient({ url: redisUrl }));
    client = single;
    commands = { sendCommand: (args) => single.sendCommand(args) };
  } else {
    const cluster = await connect(
      createCluster({
        rootNodes: nodes.map((node) => ({ url: `redis://${node}` })),
        // A command for a master that just failed errors at once instead of waiting in a queue.
        defaults: { disableOfflineQueue: true },
      }),
    );
    client = cluster;
    // The webhook list's commands (LPUSH, LTRIM, LRANGE) name their one key first.
    commands = {
      sendCommand: (args) => cluster.sendCommand(args[1], args[0] === 'LRANGE', args),
    };
  }
  return {
    journal: new RedisIdJournal(client, { prefix }),
    tokens: new RedisSingleUseTokenStore(client, { prefix }),
    dedup: new RedisWebhookDedupStore(client, { prefix }),
    webhookLog: new RedisWebhookLog(commands, prefix),
    description:
      nodes === undefined
        ? `Redis ${new URL(redisUrl).host}: journal, tokens, webhook dedup and log shared by every instance`
        : `Redis Cluster ${nodes.join(', ')}: journal, tokens, webhook dedup and log shared by every instance`,
    close: async () => {
      await client.close();
    },
  };
}

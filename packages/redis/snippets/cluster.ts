import { Cluster } from 'ioredis';
import { MarketClient } from 'neverlose-market';
import { RedisIdJournal, RedisWebhookDedupStore } from 'neverlose-redis/market';

// REDIS_CLUSTER_NODES=10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379 (any of the nodes will do).
const nodes = (process.env['REDIS_CLUSTER_NODES'] ?? '').split(',').map((node) => {
  const [host, port] = node.split(':');
  return { host: host!, port: Number(port) };
});
// ioredis follows a failover by itself; node-redis's createCluster() is passed the same way.
export const cluster = new Cluster(nodes);
cluster.on('error', (error) => console.error('Redis Cluster:', error.message));

// The cluster client itself, not a wrapper: the adapters tell it which key each command is for.
export const webhookDedup = new RedisWebhookDedupStore(cluster);

// Money: a request leaves only once a replica has its journal entry, so a failover cannot forget
// it. While a master has no replica up, its operations are refused (ERR_REDIS_NOT_REPLICATED).
export const market = new MarketClient({
  userId: Number(process.env['NEVERLOSE_USER_ID']),
  secret: process.env['NEVERLOSE_API_KEY'] ?? '',
  journal: new RedisIdJournal(cluster, { waitForReplicas: { count: 1, timeoutMs: 500 } }),
});

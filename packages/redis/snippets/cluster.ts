import { Cluster } from 'ioredis';
import { MarketClient } from 'neverlose-market';
import { RedisIdJournal, RedisWebhookDedupStore } from 'neverlose-redis/market';

// REDIS_CLUSTER_NODES=10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379 (any of the nodes will do).
const nodes = (process.env['REDIS_CLUSTER_NODES'] ?? '').split(',').map((node) => {
  const [host, port] = node.split(':');
  return { host: host!, port: Number(port) };
});
// ioredis follows a failover by itself; node-redis's createCluster() is passed the same way.
const cluster = new Cluster(nodes);

// The cluster client itself, not a wrapper: the adapters tell it which key each command is for.
export const webhookDedup = new RedisWebhookDedupStore(cluster);

// Money: a request leaves only once a replica has its journal entry, so a failover cannot forget it.
export const market = new MarketClient({
  userId,
  secret,
  journal: new RedisIdJournal(cluster, { waitForReplicas: { count: 1, timeoutMs: 500 } }),
});

// neverlose-redis/market and neverlose-redis/oidc on this runtime, with node-redis, against the
// run's Redis.
import { RedisIdJournal, RedisWebhookDedupStore } from 'neverlose-redis/market';
import { RedisSessionRevocationStore, RedisTransactionStore } from 'neverlose-redis/oidc';
import { createClient } from 'redis';
import { type RuntimeContext, surface } from '../harness.js';
import { oidcStoreChecks, storeChecks } from './store-checks.js';

export default surface('redis stores', (check) => {
  const open = async (c: RuntimeContext) => {
    const redis = await createClient({ url: c.redisUrl }).connect();
    const prefix = `runtime-matrix:${c.runtime}:`;
    return {
      dedup: new RedisWebhookDedupStore(redis, { prefix }),
      journal: new RedisIdJournal(redis, { prefix }),
      transactions: new RedisTransactionStore(redis, { prefix }),
      revocations: new RedisSessionRevocationStore(redis, { prefix }),
      close: () => redis.close(),
    };
  };
  storeChecks(check, open);
  oidcStoreChecks(check, open);
});

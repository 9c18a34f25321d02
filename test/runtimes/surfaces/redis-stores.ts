// neverlose-redis/market on this runtime, with node-redis, against the run's Redis.
import { RedisIdJournal, RedisWebhookDedupStore } from 'neverlose-redis/market';
import { createClient } from 'redis';
import { surface } from '../harness.js';
import { storeChecks } from './store-checks.js';

export default surface('redis stores', (check) => {
  storeChecks(check, async (c) => {
    const redis = await createClient({ url: c.redisUrl }).connect();
    const prefix = `runtime-matrix:${c.runtime}:`;
    return {
      dedup: new RedisWebhookDedupStore(redis, { prefix }),
      journal: new RedisIdJournal(redis, { prefix }),
      close: () => redis.close(),
    };
  });
});

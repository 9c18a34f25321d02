import { deployments, type TestRedis } from '@neverlose-toolkit/test-support/redis-server';
import {
  testIdJournal,
  testSingleUseTokenStore,
  testWebhookDedupStore,
} from 'neverlose-market/testing';
import { testSessionRevocationStore, testTransactionStore } from 'neverlose-oidc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisIdJournal, RedisSingleUseTokenStore, RedisWebhookDedupStore } from '../src/market.js';
import { RedisSessionRevocationStore, RedisTransactionStore } from '../src/oidc.js';

// The contract suites of `neverlose-market/testing` and `neverlose-oidc/testing`, on one Redis and on a Redis Cluster of three
// masters (node-redis clients): each test under a fresh prefix, "reopen" a new client on the same
// prefix, as a restarted instance has. Redis expires keys on its own clock: the lease tests wait.

const test = { describe, it, expect };
const prefixOf = new WeakMap<object, string>();
function opened<S extends object>(store: S, prefix: string): S {
  prefixOf.set(store, prefix);
  return store;
}

describe.each(deployments)('on $name', ({ start }) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await start();
  });
  afterAll(() => redis?.stop());

  const stores = <S extends object>(make: (client: never, prefix: string) => S) => ({
    realClock: true,
    test,
    open: async () => {
      const prefix = redis.prefix();
      return opened(make((await redis.connect()) as never, prefix), prefix);
    },
    reopen: async (store: S) => {
      const prefix = prefixOf.get(store)!;
      return opened(make((await redis.connect()) as never, prefix), prefix);
    },
  });

  testIdJournal({
    name: 'Redis',
    ...stores((client, prefix) => new RedisIdJournal(client, { prefix })),
  });
  testWebhookDedupStore({
    name: 'Redis',
    ...stores((client, prefix) => new RedisWebhookDedupStore(client, { prefix })),
  });
  testSingleUseTokenStore({
    name: 'Redis',
    ...stores((client, prefix) => new RedisSingleUseTokenStore(client, { prefix })),
  });
  testTransactionStore({
    name: 'Redis',
    ...stores((client, prefix) => new RedisTransactionStore(client, { prefix })),
  });
  testSessionRevocationStore({
    name: 'Redis',
    ...stores((client, prefix) => new RedisSessionRevocationStore(client, { prefix })),
  });
});

import { connectRedis } from 'neverlose-redis';
import { createClient } from 'redis';

// Start-up waits 10 s at most for Redis (attempts are retried meanwhile, their errors kept). A
// REDIS_URL nobody answers ends in one error naming the last attempt, and the client is closed;
// refused credentials end it at once with ERR_REDIS_AUTH.
export const redis = await connectRedis(createClient({ url: process.env['REDIS_URL'] }), {
  timeoutMs: 10_000,
  // After start-up: a restart or failover breaks the connection, and the client reconnects.
  onError: (error) => console.error('Redis connection lost:', error),
});

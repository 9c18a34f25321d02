export type {
  IoredisClient,
  NodeRedisClusterClient,
  RedisAdapterOptions,
  RedisClient,
  RedisCommandClient,
} from './client.js';
export {
  isNeverloseRedisError,
  NeverloseRedisError,
  type NeverloseRedisErrorCode,
} from './errors.js';

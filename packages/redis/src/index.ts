export type {
  IoredisClient,
  NodeRedisClusterClient,
  RedisAdapterOptions,
  RedisClient,
  RedisCommandClient,
} from './client.js';
export { type ConnectableRedisClient, type ConnectRedisOptions, connectRedis } from './connect.js';
export {
  isNeverloseRedisError,
  NeverloseRedisError,
  type NeverloseRedisErrorCode,
} from './errors.js';

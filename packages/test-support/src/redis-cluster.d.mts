/** Types of redis-cluster.mjs, for tests and benches written in TypeScript. */
/** The absolute path of `redis-cluster.sh`. */
export declare const redisClusterScript: string;

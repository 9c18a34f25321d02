// Where `redis-cluster.sh` is, for the tests and benches that start a Redis Cluster of their own
// (`bash <script> start DIR [--replicas N] [--masters N]`, then `bash <script> stop DIR`).
import { join } from 'node:path';

/** The absolute path of `redis-cluster.sh`. */
export const redisClusterScript = join(import.meta.dirname, 'redis-cluster.sh');

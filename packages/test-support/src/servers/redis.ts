// globalSetup: one Redis and one Redis Cluster (3 masters) for the run (see ../servers.ts).
import { provideServers } from '../servers.js';

export default provideServers('REDIS_URL', 'REDIS_CLUSTER_NODES');

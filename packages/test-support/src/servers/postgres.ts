// globalSetup: one PostgreSQL for the run (see ../servers.ts).
import { provideServers } from '../servers.js';

export default provideServers('DATABASE_URL');

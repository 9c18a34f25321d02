import { startExample } from './app.js';
import { isLoginStore, LOGIN_STORES } from './login-store.js';

function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function required(name: string): string {
  const value = env(name);
  if (value === undefined) {
    console.error(`Missing environment variable ${name}: see examples/express-passport/README.md.`);
    process.exit(1);
  }
  return value;
}

/** `TRUST_PROXY`: `true`, `false`, a hop count, or Express's address list (`loopback, 10.0.0.0/8`). */
function trustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

const port = Number(env('PORT') ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid PORT "${env('PORT')}": must be an integer from 0 to 65535.`);
  process.exit(1);
}

const clientSecret = env('NEVERLOSE_CLIENT_SECRET');
const publicUrl = env('PUBLIC_URL');
const redisUrl = env('REDIS_URL');
const databaseUrl = env('DATABASE_URL');
const loginStore = env('LOGIN_STORE');
if (loginStore !== undefined && !isLoginStore(loginStore)) {
  console.error(
    `Invalid LOGIN_STORE "${loginStore}": must be ${LOGIN_STORES.join(', ')} (see examples/express-passport/README.md).`,
  );
  process.exit(1);
}
let example: Awaited<ReturnType<typeof startExample>>;
try {
  example = await startExample({
    port,
    host: env('HOST') ?? '127.0.0.1',
    issuer: env('NEVERLOSE_ISSUER') ?? 'https://neverlose.cc',
    clientId: required('NEVERLOSE_CLIENT_ID'),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    sessionSecret: required('SESSION_SECRET'),
    ...(publicUrl === undefined ? {} : { publicUrl }),
    ...(redisUrl === undefined ? {} : { redisUrl }),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(loginStore === undefined ? {} : { loginStore }),
    trustProxy: trustProxy(env('TRUST_PROXY')),
    dangerouslyAllowInsecureHttp: env('NEVERLOSE_ALLOW_INSECURE_HTTP') === '1',
  });
} catch (error) {
  console.error(`express-passport example: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

console.log(
  `express-passport example listening on ${example.url}${databaseUrl !== undefined ? ' (sessions in PostgreSQL)' : redisUrl !== undefined ? ' (sessions in Redis)' : ''}${loginStore === undefined || loginStore === 'session' ? '' : ` (logins in flight: ${loginStore})`}`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    example.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

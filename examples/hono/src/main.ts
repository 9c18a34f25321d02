import { startExample } from './app.js';
import { openStores, type Stores } from './stores.js';

function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function required(name: string): string {
  const value = env(name);
  if (value === undefined) {
    console.error(`Missing environment variable ${name}: see examples/hono/README.md.`);
    process.exit(1);
  }
  return value;
}

const port = Number(env('PORT') ?? 3003);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid PORT "${env('PORT')}": must be an integer from 0 to 65535.`);
  process.exit(1);
}

const clientSecret = env('NEVERLOSE_CLIENT_SECRET');
const publicUrl = env('PUBLIC_URL');
const onError = (error: unknown) => console.error(error);
let stores: Stores | undefined;
let example: Awaited<ReturnType<typeof startExample>>;
try {
  // With DATABASE_URL (or else REDIS_URL), a session signed out on any instance is refused by
  // every instance.
  stores = await openStores({
    databaseUrl: env('DATABASE_URL'),
    redisUrl: env('REDIS_URL'),
    onError,
  });
  example = await startExample({
    port,
    host: env('HOST') ?? '127.0.0.1',
    issuer: env('NEVERLOSE_ISSUER') ?? 'https://neverlose.cc',
    clientId: required('NEVERLOSE_CLIENT_ID'),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    sessionSecret: required('SESSION_SECRET'),
    ...(publicUrl === undefined ? {} : { publicUrl }),
    sessionRevocations: stores.sessionRevocations,
    onError,
    dangerouslyAllowInsecureHttp: env('NEVERLOSE_ALLOW_INSECURE_HTTP') === '1',
  });
} catch (error) {
  console.error(`hono example: ${error instanceof Error ? error.message : error}`);
  await stores?.close().catch(onError);
  process.exit(1);
}
console.log(`hono example listening on ${example.url} (${stores.description})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void example
      .close()
      .then(() => stores.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  });
}

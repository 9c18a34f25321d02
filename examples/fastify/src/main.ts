import { type SessionPlugin, startExample } from './app.js';

function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function required(name: string): string {
  const value = env(name);
  if (value === undefined) {
    console.error(`Missing environment variable ${name}: see examples/fastify/README.md.`);
    process.exit(1);
  }
  return value;
}

const port = Number(env('PORT') ?? 3004);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid PORT "${env('PORT')}": must be an integer from 0 to 65535.`);
  process.exit(1);
}

const sessionPlugin = env('SESSION_PLUGIN') ?? '@fastify/session';
if (sessionPlugin !== '@fastify/session' && sessionPlugin !== '@fastify/secure-session') {
  console.error(
    `Invalid SESSION_PLUGIN "${sessionPlugin}": must be @fastify/session or @fastify/secure-session.`,
  );
  process.exit(1);
}

const clientSecret = env('NEVERLOSE_CLIENT_SECRET');
const publicUrl = env('PUBLIC_URL');
let example: Awaited<ReturnType<typeof startExample>>;
try {
  example = await startExample({
    port,
    host: env('HOST') ?? '127.0.0.1',
    issuer: env('NEVERLOSE_ISSUER') ?? 'https://neverlose.cc',
    clientId: required('NEVERLOSE_CLIENT_ID'),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    sessionSecret: required('SESSION_SECRET'),
    sessionPlugin: sessionPlugin satisfies SessionPlugin,
    ...(publicUrl === undefined ? {} : { publicUrl }),
    dangerouslyAllowInsecureHttp: env('NEVERLOSE_ALLOW_INSECURE_HTTP') === '1',
  });
} catch (error) {
  console.error(`fastify example: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
console.log(`fastify example listening on ${example.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void example.close().then(() => process.exit(0));
  });
}

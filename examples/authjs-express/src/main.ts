import { startExample } from './app.js';

function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** The first of `names` that is set: Auth.js's own name, then the one every example reads. */
function either(...names: string[]): string | undefined {
  for (const name of names) {
    const value = env(name);
    if (value !== undefined) return value;
  }
  return undefined;
}

function required(...names: string[]): string {
  const value = either(...names);
  const name = names.join(' or ');
  if (value === undefined) {
    console.error(`Missing environment variable ${name}: see examples/authjs-express/README.md.`);
    process.exit(1);
  }
  return value;
}

const port = Number(env('PORT') ?? 3007);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid PORT "${env('PORT')}": must be an integer from 0 to 65535.`);
  process.exit(1);
}

const publicUrl = env('PUBLIC_URL');
let example: Awaited<ReturnType<typeof startExample>>;
try {
  example = await startExample({
    port,
    host: env('HOST') ?? '127.0.0.1',
    // Auth.js's names (AUTH_NEVERLOSE_*, AUTH_SECRET), or those of the other examples.
    issuer: either('AUTH_NEVERLOSE_ISSUER', 'NEVERLOSE_ISSUER') ?? 'https://neverlose.cc',
    clientId: required('AUTH_NEVERLOSE_ID', 'NEVERLOSE_CLIENT_ID'),
    clientSecret: required('AUTH_NEVERLOSE_SECRET', 'NEVERLOSE_CLIENT_SECRET'),
    sessionSecret: required('AUTH_SECRET', 'SESSION_SECRET'),
    ...(publicUrl === undefined ? {} : { publicUrl }),
    dangerouslyAllowInsecureHttp: env('NEVERLOSE_ALLOW_INSECURE_HTTP') === '1',
  });
} catch (error) {
  console.error(`authjs-express example: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
console.log(`authjs-express example listening on ${example.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void example.close().then(() => process.exit(0));
  });
}

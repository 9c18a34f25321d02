import { startExample } from './app.js';

function fail(message: string): never {
  process.stderr.write(`reseller-shop: ${message}\n`);
  process.exit(2);
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') fail(`${name} is required (see README.md).`);
  return value;
}

function positiveInteger(name: string, fallback?: number): number {
  const text = process.env[name];
  if ((text === undefined || text === '') && fallback !== undefined) return fallback;
  const value = Number(required(name));
  if (!Number.isSafeInteger(value) || value <= 0) fail(`${name} must be a positive integer.`);
  return value;
}

const env = process.env;
const redisUrl = env['REDIS_URL'] || undefined;
const marketUrl = env['NEVERLOSE_MARKET_URL'] || undefined;
const allowInsecureHttp = env['NEVERLOSE_ALLOW_INSECURE_HTTP'] === '1';
if (marketUrl?.startsWith('http:') && !allowInsecureHttp) {
  fail(
    'NEVERLOSE_MARKET_URL is plain http: set NEVERLOSE_ALLOW_INSECURE_HTTP=1 (local emulator only).',
  );
}
const shop = await startExample({
  port: positiveInteger('PORT', 3002),
  host: env['HOST'] || '127.0.0.1',
  publicUrl: env['PUBLIC_URL'] || undefined,
  userId: positiveInteger('NEVERLOSE_USER_ID'),
  apiKey: required('NEVERLOSE_API_KEY'),
  integrationId: positiveInteger('NEVERLOSE_INTEGRATION_ID'),
  marketUrl,
  allowInsecureHttp,
  journalPath: env['JOURNAL_PATH'] || 'market-journal.sqlite',
  databaseUrl: env['DATABASE_URL'] || undefined,
  redisUrl,
  redisPrefix: env['REDIS_PREFIX'] || undefined,
  priceSyncIntervalMs: positiveInteger('PRICE_SYNC_INTERVAL_MS', 60 * 60 * 1000),
  webhookLeaseSeconds: positiveInteger('WEBHOOK_LEASE_SECONDS', 300),
  adminToken: env['SHOP_ADMIN_TOKEN'] || undefined,
}).catch((error: unknown) =>
  fail((error instanceof Error ? error.message : String(error)).replace(/^reseller-shop: /, '')),
);

console.log(`reseller-shop listening on ${shop.url}`);
if (!env['SHOP_ADMIN_TOKEN']) {
  // Loopback only (startExample refuses anything else without a token): made for this run.
  console.log(`reseller-shop admin pages: user "admin", password ${shop.adminToken}`);
}
const stop = () => {
  shop.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

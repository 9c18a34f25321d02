import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, startEmulator } from 'neverlose-emulator';
import { startExample } from './app.js';

/**
 * `pnpm demo`: the emulator on port 4010 and the shop on 3002, wired to each other. Integration 100
 * is public in the demo seed, so every emulated buyer (alice, bob) sees the shop in the checkout.
 */
const SHOP_URL = 'http://127.0.0.1:3002';
const emulator = await startEmulator({
  port: 4010,
  config: defaultConfig({
    integrationRedirectUrl: `${SHOP_URL}/checkout`,
    webhookUrl: `${SHOP_URL}/webhooks/neverlose`,
  }),
});
// The emulator forgets its world on exit, so the journal of a demo run is thrown away with it.
const dataDir = mkdtempSync(join(tmpdir(), 'reseller-shop-demo-'));
const shop = await startExample({
  port: 3002,
  userId: 10,
  apiKey: 'emulator-reseller-key',
  integrationId: 100,
  marketUrl: `${emulator.url}/api/market`,
  allowInsecureHttp: true,
  journalPath: join(dataDir, 'demo-journal.db'),
});
console.log(`emulator        ${emulator.url} (admin: ${emulator.url}/admin)`);
console.log(
  `reseller shop   ${shop.url} (admin: ${shop.url}/admin, user "admin", password ${shop.adminToken})`,
);
console.log(`start a checkout: ${emulator.url}/checkout?login=alice&product=csgo`);
const stop = () => {
  void Promise.all([shop.close(), emulator.stop()]).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

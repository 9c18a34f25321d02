import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostileCase } from './inputs.js';
import { attack } from './probe.js';
import { Supervised } from './process.js';
import { adminApi, emulatorProcess } from './targets/emulator.js';
import {
  isReencodedToken,
  resellerShopProcess,
  resellerShopRoutes,
  wireShop,
} from './targets/reseller-shop.js';

interface LedgerEntry {
  readonly method: string;
  readonly params: Record<string, unknown>;
}

let emulator: Supervised;
let shop: Supervised;

beforeAll(async () => {
  emulator = await Supervised.start(emulatorProcess());
  shop = await Supervised.start(resellerShopProcess(emulator.url));
  await wireShop(emulator.url, shop.url);
});
afterAll(async () => {
  await shop?.stop();
  await emulator?.stop();
});

const giftsTo = async (login: string) =>
  ((await adminApi(emulator.url, 'GET', '/ledger')) as LedgerEntry[]).filter(
    (entry) => entry.method === 'gift-product' && entry.params['username'] === login,
  );

describe('hostile input against the reseller-shop example', () => {
  it('answers every route below 500, stays up, and delivers a paid order once', async () => {
    const routes = await resellerShopRoutes(emulator.url, shop.url, 'charlie');
    expect(await attack(shop, routes, (item) => !isReencodedToken(item))).toEqual([]);
    expect(shop.exits).toEqual([]);
    expect(await giftsTo('charlie')).toHaveLength(1);
  });

  // verifyResellerToken (neverlose-market) accepts other base64url spellings of the signature
  // (unused low bits set, "=" padding) and names the order by a hash of the token's text: each
  // spelling is a new order, delivered again. Enable once the token id no longer depends on it.
  it('delivers a paid order once when its token comes back in another spelling', async () => {
    const routes = await resellerShopRoutes(emulator.url, shop.url, 'bob');
    const pay = routes.filter((route) => route.path === '/checkout/pay');
    const cases = (item: HostileCase) => item.name.endsWith(' benign') || isReencodedToken(item);
    expect(await attack(shop, pay, cases)).toEqual([]);
    expect(await giftsTo('bob')).toHaveLength(1);
  });
});

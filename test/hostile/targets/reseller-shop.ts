import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../support/packed.js';
import { type HostileCase, type HostileRoute, requestOf } from '../inputs.js';
import type { ProcessSpec } from '../process.js';
import { adminApi, RESELLER } from './emulator.js';

export const SHOP_ADMIN_TOKEN = 'hostile-admin-token-0123456789';
const INTEGRATION_ID = 100;

/** The shop as its README runs it against the emulator: `node dist/main.js` and environment. */
export function resellerShopProcess(emulatorUrl: string): ProcessSpec {
  return {
    name: 'reseller-shop',
    args: [`${repoRoot}/examples/reseller-shop/dist/main.js`],
    env: {
      PORT: '{port}',
      HOST: '127.0.0.1',
      NEVERLOSE_USER_ID: String(RESELLER.userId),
      NEVERLOSE_API_KEY: RESELLER.key,
      NEVERLOSE_INTEGRATION_ID: String(INTEGRATION_ID),
      NEVERLOSE_MARKET_URL: `${emulatorUrl}/api/market`,
      NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
      JOURNAL_PATH: join(mkdtempSync(join(tmpdir(), 'hostile-shop-')), 'journal.db'),
      SHOP_ADMIN_TOKEN,
      REDIS_URL: '',
    },
  };
}

/** Points the reseller's integration (public) and webhooks at the shop. */
export async function wireShop(emulatorUrl: string, shopUrl: string): Promise<void> {
  await adminApi(emulatorUrl, 'POST', '/seed', {
    marketAccounts: [
      {
        userId: RESELLER.userId,
        apiKey: RESELLER.key,
        reseller: true,
        webhooks: {
          purchase: `${shopUrl}/webhooks/neverlose`,
          transfer: `${shopUrl}/webhooks/neverlose`,
        },
        integration: {
          id: INTEGRATION_ID,
          name: 'Hostile shop',
          redirectUrl: `${shopUrl}/checkout`,
          public: true,
        },
      },
    ],
  });
}

/** A fresh `nl_purchase` from the emulator's checkout. */
export async function checkoutToken(emulatorUrl: string, login: string): Promise<string> {
  const { token } = (await adminApi(emulatorUrl, 'POST', '/checkout', {
    login,
    integrationId: INTEGRATION_ID,
    product: 'csgo',
    cnt: 0,
  })) as { token: string };
  return token;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Other spellings of the same bytes: a base64url segment whose last character carries unused
 * bits decodes the same with any of them set (`...Q` and `...R` can be one signature), and `=`
 * padding or standard-alphabet characters decode the same for a lenient decoder.
 */
export function respellings(segment: string): string[] {
  const spellings: string[] = [];
  const unused = segment.length % 4 === 2 ? 4 : segment.length % 4 === 3 ? 2 : 0;
  const last = BASE64URL.indexOf(segment.at(-1) ?? '');
  for (let bits = 1; bits < 1 << unused; bits++)
    spellings.push(`${segment.slice(0, -1)}${BASE64URL[last | bits]}`);
  if (unused > 0) spellings.push(`${segment}${'='.repeat(unused === 4 ? 2 : 1)}`);
  if (/[-_]/.test(segment)) spellings.push(segment.replaceAll('-', '+').replaceAll('_', '/'));
  return spellings;
}

/** Every other spelling of a compact JWS, one segment at a time. */
export function reencodedTokens(token: string): string[] {
  const parts = token.split('.');
  return parts.flatMap((part, i) =>
    respellings(part).map((spelling) => parts.map((p, j) => (j === i ? spelling : p)).join('.')),
  );
}

/** Forged tokens: no signature, another algorithm, a changed claim, a foreign key. */
export function forgedTokens(token: string): string[] {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object;
  return [
    `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    `${b64({ alg: 'HS512', typ: 'JWT' })}.${payload}.${signature}`,
    `${header}.${b64({ ...claims, login: 'bob' })}.${signature}`,
    `${header}.${b64({ ...claims, exp: 4102444800 })}.${signature}`,
    `${header}.${payload}.${'A'.repeat(43)}`,
    `${header}.${payload}`,
    `${header}.${payload}.${signature}.${signature}`,
    `${b64({ alg: 'HS256', crit: ['exp'] })}.${payload}.${signature}`,
    `${header}.${Buffer.from('not json').toString('base64url')}.${signature}`,
  ];
}

/** The CSRF cookie and the token of the pay form, as the checkout page hands them out. */
async function payForm(shopUrl: string, token: string) {
  const page = await fetch(`${shopUrl}/checkout?nl_purchase=${token}`);
  const cookie = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (csrf === undefined || !cookie.includes('='))
    throw new Error('the checkout page has no CSRF token');
  const [name = '', value = ''] = cookie.split('=');
  return { cookies: { [name]: value }, csrf };
}

/** The admin page's push-prices form token, for the same CSRF cookie. */
async function adminForm(shopUrl: string, cookies: Record<string, string>) {
  const cookie = Object.entries(cookies)
    .map(([n, v]) => `${n}=${v}`)
    .join('; ');
  const page = await fetch(`${shopUrl}/admin`, {
    headers: { cookie, authorization: basicAdmin() },
  });
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (csrf === undefined) throw new Error(`the admin page has no CSRF token (${page.status})`);
  return csrf;
}

export function basicAdmin(token = SHOP_ADMIN_TOKEN): string {
  return `Basic ${Buffer.from(`admin:${token}`).toString('base64')}`;
}

const encode = (value: string) => encodeURIComponent(value);

/**
 * Every route of the shop, with an order in flight, a CSRF cookie and token, admin credentials and
 * a real webhook delivery. The pay route pays one order for `buyer`, then sends its token again in
 * re-encoded and forged spellings: the ledger must show one delivery to `buyer`.
 */
export async function resellerShopRoutes(
  emulatorUrl: string,
  shopUrl: string,
  buyer: string,
): Promise<HostileRoute[]> {
  const shown = await checkoutToken(emulatorUrl, 'alice');
  const paid = await checkoutToken(emulatorUrl, buyer);
  const { cookies, csrf } = await payForm(shopUrl, shown);
  const own = { Origin: shopUrl, 'Sec-Fetch-Site': 'same-origin' };
  await adminApi(emulatorUrl, 'POST', '/transfers', { from: 'alice', to: 'reseller', amount: 1 });
  const deliveries = (await adminApi(emulatorUrl, 'POST', '/webhooks/idle')) as { body: string }[];
  const webhook = JSON.parse(deliveries.at(-1)?.body ?? '{}') as Record<string, unknown>;

  const pay: HostileRoute = {
    method: 'POST',
    path: '/checkout/pay',
    form: { nl_purchase: paid, csrf },
    cookies,
    headers: own,
  };
  const payWith = (name: string, token: string): HostileCase => ({
    name,
    request: requestOf(pay, { form: { nl_purchase: encode(token) } }),
  });
  const checkout: HostileRoute = {
    method: 'GET',
    path: '/checkout',
    query: { nl_purchase: shown },
    cookies,
  };
  return [
    { method: 'GET', path: '/' },
    {
      ...checkout,
      extra: forgedTokens(shown).map((token, i) => ({
        name: `forged token #${i + 1}`,
        request: requestOf(checkout, { query: { nl_purchase: encode(token) } }),
      })),
    },
    {
      ...pay,
      extra: [
        ...reencodedTokens(paid).map((token, i) => payWith(`re-encoded token #${i + 1}`, token)),
        ...forgedTokens(paid).map((token, i) => payWith(`forged token #${i + 1}`, token)),
      ],
    },
    { method: 'GET', path: '/orders/:id', params: { id: 'a'.repeat(64) }, query: { again: '1' } },
    { method: 'GET', path: '/webhooks', headers: { Authorization: basicAdmin() } },
    { method: 'GET', path: '/admin', headers: { Authorization: basicAdmin() } },
    {
      method: 'POST',
      path: '/admin/push-prices',
      form: { csrf: await adminForm(shopUrl, cookies) },
      cookies,
      headers: { ...own, Authorization: basicAdmin() },
    },
    {
      method: 'POST',
      path: '/webhooks/neverlose',
      headers: { 'Content-Type': 'application/json' },
      json: Object.fromEntries(Object.entries(webhook).map(([k, v]) => [k, JSON.stringify(v)])),
    },
    { method: 'GET', path: '/nowhere/:page', params: { page: 'x' } },
  ];
}

/** The pay cases that send a paid order's token in another base64url spelling. */
export const isReencodedToken = (item: HostileCase) => item.name.includes(' re-encoded token #');

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultConfig,
  type EmulatorConfig,
  type RunningEmulator,
  startEmulator,
} from 'neverlose-emulator';
import { type RunningExample, startExample } from 'neverlose-example-reseller-shop';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, openBrowser } from '../support/browser.js';

const RESELLER_ID = 10;
const API_KEY = 'emulator-reseller-key';
const INTEGRATION_ID = 100;
/** With `DATABASE_URL` (CI starts a PostgreSQL), the whole suite runs on the PostgreSQL stores. */
const DATABASE_URL = process.env['DATABASE_URL'];
const DATABASE_TABLE_PREFIX = `e2e_${randomUUID().replaceAll('-', '').slice(0, 8)}_`;
const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
const ADMIN_AUTHORIZATION = `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`;

/** The demo seed with integration 100 public, so every buyer sees the shop in the checkout. */
function publicIntegrationConfig(): EmulatorConfig {
  const seed = defaultConfig();
  return {
    ...seed,
    marketAccounts: seed.marketAccounts?.map((account) =>
      account.integration === undefined
        ? account
        : { ...account, integration: { ...account.integration, public: true } },
    ),
  };
}

let emulator: RunningEmulator;
let shop: RunningExample;
let session: BrowserSession;
let page: Page;
let dataDir: string;
let journalPath: string;

/**
 * Starts the shop against the emulator, then points the reseller's integration and webhooks at
 * it. The two need each other's URL; the emulator's world is live, so the shop can listen on
 * port 0 and the emulator learns its URL afterwards (the same way across a shop restart).
 */
async function startShop(options: { marketRetries?: number } = {}): Promise<RunningExample> {
  const started = await startExample({
    port: 0,
    userId: RESELLER_ID,
    apiKey: API_KEY,
    integrationId: INTEGRATION_ID,
    marketUrl: `${emulator.url}/api/market`,
    allowInsecureHttp: true,
    journalPath,
    ...(DATABASE_URL
      ? { databaseUrl: DATABASE_URL, databaseTablePrefix: DATABASE_TABLE_PREFIX }
      : {}),
    priceSyncIntervalMs: 60_000,
    adminToken: ADMIN_TOKEN,
    ...options,
  });
  const account = emulator.world.accounts.get(RESELLER_ID);
  if (account?.integration === undefined) throw new Error('the seed has no reseller integration');
  account.integration.redirectUrl = `${started.url}/checkout`;
  const webhookUrl = `${started.url}/webhooks/neverlose`;
  account.webhooks = { purchase: webhookUrl, transfer: webhookUrl };
  return started;
}

function balance(login: string): number {
  const user = emulator.world.userByLogin(login);
  if (user === undefined) throw new Error(`no user ${login}`);
  return user.balanceCents / 100;
}

function ledgerOf(method: string, username: string) {
  return emulator.ledger().filter((e) => e.method === method && e.params['username'] === username);
}

/**
 * On the emulator's checkout page: picks the buyer, the product and plan (or the NLE amount) and
 * the shop as the payment method, then continues to the shop.
 */
async function checkoutOnNeverlose(
  login: string,
  product: string,
  order: { cnt: number } | { nle: string },
): Promise<void> {
  // The plan is in the URL too: the page prices the methods for the plan it was opened with.
  const plan = 'cnt' in order ? `&cnt=${order.cnt}` : '';
  await page.goto(`${emulator.url}/checkout?login=${login}&product=${product}${plan}`);
  if ('cnt' in order) await page.selectOption('#checkout-plan', String(order.cnt));
  else await page.fill('#checkout-nle', order.nle);
  await page.check(`#checkout-method-${INTEGRATION_ID}`);
  await session.shot(`neverlose-checkout-${login}-${product}`);
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(`${shop.url}/checkout?nl_purchase=`)),
    page.click('#checkout-submit'),
  ]);
}

/** A page signed in to the shop's admin pages (HTTP Basic, for the shop's origin only). */
async function openAdminPage(): Promise<Page> {
  const context = await session.browser.newContext({
    httpCredentials: { username: 'admin', password: ADMIN_TOKEN, origin: shop.url },
  });
  return context.newPage();
}

async function payAndWaitForOutcome(target: Page = page): Promise<string | null> {
  await Promise.all([
    target.waitForURL((url) => url.pathname.startsWith('/orders/')),
    target.click('#pay'),
  ]);
  return target.getAttribute('#outcome', 'data-status');
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'reseller-shop-e2e-'));
  journalPath = join(dataDir, 'market-journal.db');
  emulator = await startEmulator({ port: 0, config: publicIntegrationConfig() });
  shop = await startShop();
  session = await openBrowser('reseller-shop');
  page = session.page;
});

afterAll(async () => {
  await session?.close();
  await shop?.close();
  await emulator?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe(`reseller shop in Chromium against the emulator (${DATABASE_URL ? 'PostgreSQL' : 'SQLite'} stores)`, () => {
  it('pushes its prices at start-up and shows the push and the expiry on /admin', async () => {
    const integration = emulator.world.integration(INTEGRATION_ID)?.integration;
    const pushed = integration === undefined ? undefined : emulator.world.activePrices(integration);
    expect(pushed?.prices['csgo-90']).toEqual({ EUR: '48.50', USD: '50.60' });
    expect(pushed?.prices['marketplace']).toEqual({ EUR: '1.10', USD: '1.15' });

    const admin = await openAdminPage();
    await admin.goto(`${shop.url}/admin`);
    expect(await admin.getAttribute('#price-sync-state', 'data-state')).toBe('live');
    expect(await admin.textContent('#price-last-push')).toMatch(/^\d{4}-\d{2}-\d{2} /);
    expect(await admin.textContent('#price-expires')).toMatch(/^\d{4}-\d{2}-\d{2} /);
    expect(await admin.textContent('#checkout-url')).toBe(`${shop.url}/checkout`);
    await session.shot('admin-price-sync', admin);

    // The form's own button pushes again (its CSRF token and cookie came with the page).
    const pushes = () => emulator.calls.filter((c) => c.marketMethod === 'set-reseller-prices');
    const before = pushes().length;
    const [pushNow] = await Promise.all([
      admin.waitForResponse((response) => response.url() === `${shop.url}/admin/push-prices`),
      admin.click('#push-prices'),
    ]);
    expect(pushNow.status()).toBe(303);
    expect(pushes()).toHaveLength(before + 1);
    await admin.context().close();
  });

  it('sells 90 days of CS:GO: checkout on Neverlose, the order, Pay, delivered exactly once', async () => {
    const resellerBefore = balance('reseller');
    await checkoutOnNeverlose('alice', 'csgo', { cnt: 1 });
    expect(await page.textContent('#order-product')).toBe('CS:GO');
    expect(await page.textContent('#order-days')).toBe('90 days');
    expect(await page.textContent('#order-login')).toBe('alice');
    expect(await page.textContent('#order-email')).toBe('alice@example.test');
    expect(await page.textContent('#order-price')).toBe('48.50 EUR · 50.60 USD');
    await session.shot('order-csgo-90');

    // A second tab on the same order, to submit the Pay form again after the first payment.
    const secondTab = await session.context.newPage();
    await secondTab.goto(page.url());
    const checkoutUrl = page.url();

    expect(await payAndWaitForOutcome()).toBe('delivered');
    await session.shot('delivered-csgo-90');
    const alice = emulator.world.userByLogin('alice');
    const days = ((alice?.subscriptions['csgo'] ?? 0) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(90);
    expect(ledgerOf('gift-product', 'alice')).toHaveLength(1);
    expect(balance('reseller')).toBeCloseTo(resellerBefore - 44.1, 2);

    await page.reload();
    expect(await page.getAttribute('#outcome', 'data-status')).toBe('delivered');
    await session.shot('delivered-reloaded');

    expect(await payAndWaitForOutcome(secondTab)).toBe('already-delivered');
    await page.bringToFront();
    await secondTab.close();

    await page.goto(checkoutUrl);
    expect(await page.getAttribute('#outcome', 'data-status')).toBe('already-delivered');
    await session.shot('checkout-link-reopened');

    expect(ledgerOf('gift-product', 'alice')).toHaveLength(1);
    expect(balance('reseller')).toBeCloseTo(resellerBefore - 44.1, 2);
  });

  it('tops up 12.50 NLE with transfer-money, once however often Pay is clicked', async () => {
    const resellerBefore = balance('reseller');
    const bobBefore = balance('bob');
    await checkoutOnNeverlose('bob', 'marketplace', { nle: '12.50' });
    expect(await page.textContent('#order-product')).toBe('NLE market top-up');
    expect(await page.textContent('#order-nle')).toBe('12.5 NLE');
    expect(await page.textContent('#order-login')).toBe('bob');
    expect(await page.textContent('#order-price')).toBe('13.75 EUR · 14.38 USD');
    await session.shot('order-top-up');

    // A double click posts the form twice: the browser aborts the first navigation for the
    // second, so the page to wait for is the one the last post lands on.
    const onOrderPage = (url: URL) => url.pathname.startsWith('/orders/');
    await page.dblclick('#pay');
    await page.waitForURL(onOrderPage).catch(async (error: unknown) => {
      if (!String(error).includes('ERR_ABORTED')) throw error;
      await page.waitForURL(onOrderPage);
    });
    expect(['delivered', 'already-delivered']).toContain(
      await page.getAttribute('#outcome', 'data-status'),
    );
    await session.shot('delivered-top-up');

    await page.reload();
    expect(ledgerOf('transfer-money', 'bob')).toHaveLength(1);
    expect(balance('bob')).toBeCloseTo(bobBefore + 12.5, 2);
    expect(balance('reseller')).toBeCloseTo(resellerBefore - 12.5, 2);
  });

  it('shows the provider refusal of an order it cannot deliver, and charges the reseller nothing', async () => {
    const resellerBefore = balance('reseller');
    // cs2 is invite-only and bob is not invited.
    await checkoutOnNeverlose('bob', 'cs2', { cnt: 0 });
    expect(await payAndWaitForOutcome()).toBe('failed');
    expect(await page.textContent('#outcome-message')).toBe('User is not invited to this product');
    await session.shot('failed-not-invited');
    expect(ledgerOf('gift-product', 'bob')).toHaveLength(0);
    expect(balance('reseller')).toBeCloseTo(resellerBefore, 2);
  });

  it('delivers once when the answer to gift-product is lost and the client retries', async () => {
    const resellerBefore = balance('reseller');
    emulator.addFault({ method: 'gift-product', kind: 'drop-after-apply', count: 1 });
    await checkoutOnNeverlose('alice', 'cs2', { cnt: 0 });
    expect(await payAndWaitForOutcome()).toBe('delivered');
    await session.shot('delivered-after-lost-answer');
    expect(
      ledgerOf('gift-product', 'alice').filter((e) => e.params['product'] === 'cs2'),
    ).toHaveLength(1);
    expect(balance('reseller')).toBeCloseTo(resellerBefore - 17.1, 2);
  });

  it('lists a transfer webhook on /webhooks once, even when it is delivered again', async () => {
    emulator.transfer('alice', 'reseller', 5);
    const deliveries = await emulator.webhooksIdle();
    const delivery = deliveries.find((d) => d.kind === 'transfer' && d.userId === RESELLER_ID);
    expect(delivery?.state).toBe('delivered');

    const again = await fetch(`${shop.url}/webhooks/neverlose`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: delivery?.body,
    });
    expect(await again.json()).toEqual({ ok: true, duplicate: true });

    const admin = await openAdminPage();
    await admin.goto(`${shop.url}/webhooks`);
    const rows = admin.locator('#webhook-list tr.webhook[data-kind="transfer"]');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('alice');
    expect(await rows.first().textContent()).toContain('5 NLE');
    await session.shot('webhooks', admin);
    await admin.context().close();
  });

  it('refuses a tampered nl_purchase with a page naming the code', async () => {
    const token = await csgoOrder('alice', 3);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, login: 'bob' })).toString('base64url');
    const response = await page.goto(
      `${shop.url}/checkout?nl_purchase=${header}.${forged}.${signature}`,
    );
    expect(response?.status()).toBe(400);
    expect(await page.textContent('#rejection-code')).toBe('ERR_RESELLER_TOKEN_BAD_SIGNATURE');
    expect(await page.textContent('body')).not.toMatch(/\n\s+at /);
    expect(await page.locator('#pay').count()).toBe(0);
    await session.shot('rejected-tampered-token');

    await page.goto(`${shop.url}/checkout`);
    expect(await page.textContent('#rejection-code')).toBe('ERR_SHOP_NO_ORDER');
  });

  it('finishes a delivery a crash left pending when it starts again, exactly once', async () => {
    await shop.close();
    shop = await startShop({ marketRetries: 0 });
    const resellerBefore = balance('reseller');
    emulator.addFault({ method: 'transfer-money', kind: 'drop-after-apply', count: 1 });
    await checkoutOnNeverlose('alice', 'marketplace', { nle: '3' });
    expect(await payAndWaitForOutcome()).toBe('pending');
    await session.shot('pending-answer-lost');
    const orderPath = new URL(page.url()).pathname;

    await shop.close();
    shop = await startShop();
    expect(shop.resumed.map((r) => r.status)).toEqual(['already-completed']);

    await page.goto(`${shop.url}${orderPath}`);
    expect(await page.getAttribute('#outcome', 'data-status')).toBe('delivered');
    await session.shot('delivered-after-restart');
    expect(ledgerOf('transfer-money', 'alice')).toHaveLength(1);
    expect(balance('reseller')).toBeCloseTo(resellerBefore - 3, 2);
  });
});

/** An `nl_purchase` for CS:GO plan `cnt`, as the emulator's checkout makes it. */
async function csgoOrder(login: string, cnt: number): Promise<string> {
  return (await emulator.checkout({ login, integrationId: INTEGRATION_ID, product: 'csgo', cnt }))
    .token;
}

/** The pay form as the checkout page hands it out: its CSRF cookie and token. */
interface PayForm {
  readonly cookie: string;
  readonly csrf: string;
}

async function payFormOf(shopUrl: string, token: string): Promise<PayForm> {
  const page = await fetch(`${shopUrl}/checkout?nl_purchase=${token}`);
  const cookie = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return { cookie, csrf };
}

const formPost = (url: string, headers: Record<string, string>, body: string) =>
  fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

describe('reseller shop admin pages and forms', () => {
  it('asks for the admin token on /admin, /webhooks and /admin/push-prices', async () => {
    const wrong = `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}x`).toString('base64')}`;
    for (const [method, path] of [
      ['GET', '/admin'],
      ['GET', '/webhooks'],
      ['POST', '/admin/push-prices'],
    ] as const) {
      for (const headers of <Record<string, string>[]>[
        {},
        { authorization: wrong },
        { authorization: `Bearer ${ADMIN_TOKEN}` },
      ]) {
        const response = await fetch(`${shop.url}${path}`, { method, headers, redirect: 'manual' });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
        expect(await response.text()).not.toContain('price-last-push');
      }
    }
    expect((await fetch(`${shop.url}/`)).status).toBe(200);
    const admin = await fetch(`${shop.url}/admin`, {
      headers: { authorization: ADMIN_AUTHORIZATION },
    });
    expect(admin.status).toBe(200);
  });

  it('refuses a push-prices post without its page token or from another site, and pushes nothing', async () => {
    const pushes = () => emulator.calls.filter((c) => c.marketMethod === 'set-reseller-prices');
    const admin = await fetch(`${shop.url}/admin`, {
      headers: { authorization: ADMIN_AUTHORIZATION },
    });
    const cookie = admin.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    expect(admin.headers.getSetCookie()[0]).toMatch(/; HttpOnly; SameSite=Strict/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await admin.text())?.[1] ?? '';
    const token = await csgoOrder('shop', 0);
    const payToken = (await payFormOf(shop.url, token)).csrf;
    const push = (headers: Record<string, string>, body: string) =>
      formPost(
        `${shop.url}/admin/push-prices`,
        { authorization: ADMIN_AUTHORIZATION, ...headers },
        body,
      );
    const before = pushes().length;
    for (const [headers, body] of [
      [{ cookie }, ''],
      [{ cookie }, 'csrf=forged'],
      [{}, `csrf=${csrf}`],
      [{ cookie }, `csrf=${payToken}`],
      [{ cookie, origin: 'https://evil.example' }, `csrf=${csrf}`],
      [{ cookie, origin: 'null' }, `csrf=${csrf}`],
      [{ cookie, 'sec-fetch-site': 'cross-site' }, `csrf=${csrf}`],
    ] as const) {
      const response = await push(headers, body);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('ERR_SHOP_FORM_FORGED');
    }
    expect(pushes()).toHaveLength(before);
    const own = await push(
      { cookie, origin: shop.url, 'sec-fetch-site': 'same-origin' },
      `csrf=${csrf}`,
    );
    expect(own.status).toBe(303);
    expect(pushes()).toHaveLength(before + 1);
  });

  it('refuses a pay post without its page token or from another site, and leaves the order unpaid', async () => {
    const token = await csgoOrder('shop', 0);
    const form = await payFormOf(shop.url, token);
    const pay = (headers: Record<string, string>, csrf: string) =>
      formPost(
        `${shop.url}/checkout/pay`,
        headers,
        new URLSearchParams({ nl_purchase: token, csrf }).toString(),
      );
    for (const [headers, csrf] of [
      [{}, form.csrf],
      [{ cookie: form.cookie }, ''],
      // Its last character changed (to another one: a token ending in A stays itself with an A).
      [{ cookie: form.cookie }, `${form.csrf.slice(0, -1)}${form.csrf.endsWith('A') ? 'B' : 'A'}`],
      [{ cookie: form.cookie, origin: 'https://evil.example' }, form.csrf],
      [{ cookie: form.cookie, 'sec-fetch-site': 'same-site' }, form.csrf],
    ] as const) {
      expect((await pay(headers, csrf)).status).toBe(403);
    }
    expect(ledgerOf('gift-product', 'shop')).toHaveLength(0);
    // The forged posts did not spend the token: the buyer's own form still pays.
    const paid = await pay({ cookie: form.cookie, origin: shop.url }, form.csrf);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toMatch(/^\/orders\/[0-9a-f]{64}$/);
    expect(ledgerOf('gift-product', 'shop')).toHaveLength(1);
  });

  it('refuses to listen beyond loopback without an admin token, naming the option', async () => {
    await expect(
      startExample({
        host: '0.0.0.0',
        port: 0,
        userId: RESELLER_ID,
        apiKey: API_KEY,
        integrationId: INTEGRATION_ID,
        journalPath,
      }),
    ).rejects.toThrow(/"adminToken" is required when "host" \(0\.0\.0\.0\)/);
  });
});

const REDIS_URL = process.env['REDIS_URL'];

describe.runIf(REDIS_URL)('two reseller shop instances sharing Redis', () => {
  const instances: RunningExample[] = [];
  const start = async (redisPrefix: string) => {
    const started = await startExample({
      port: 0,
      userId: RESELLER_ID,
      apiKey: API_KEY,
      integrationId: INTEGRATION_ID,
      marketUrl: `${emulator.url}/api/market`,
      allowInsecureHttp: true,
      redisUrl: REDIS_URL,
      redisPrefix,
      adminToken: ADMIN_TOKEN,
    });
    instances.push(started);
    return started;
  };
  const payAt = (instance: RunningExample, token: string, form: PayForm) =>
    fetch(`${instance.url}/checkout/pay`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
      body: new URLSearchParams({ nl_purchase: token, csrf: form.csrf }),
    });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
  });

  it('delivers an order paid at both instances at once exactly once, and both show it', async () => {
    const prefix = `reseller-shop-test:${randomUUID()}:`;
    const [first, second] = [await start(prefix), await start(prefix)];
    if (first === undefined || second === undefined) throw new Error('instances did not start');
    const resellerBefore = balance('reseller');
    const token = await csgoOrder('charlie', 2);
    // The form comes from one instance; the other accepts its token (the same key derives it).
    const form = await payFormOf(first.url, token);
    const answers = await Promise.all([payAt(first, token, form), payAt(second, token, form)]);
    expect(answers.map((answer) => answer.status)).toEqual([303, 303]);
    expect(ledgerOf('gift-product', 'charlie')).toHaveLength(1);
    expect(balance('reseller')).toBeCloseTo(resellerBefore - 80.1, 2);

    const orderPath = answers[0]?.headers.get('location')?.replace(/\?.*$/, '');
    const outcome = await (await fetch(`${second.url}${orderPath}`)).text();
    expect(outcome).toContain('data-status="delivered"');
  });

  it('lists a webhook received by one instance on the other', async () => {
    const prefix = `reseller-shop-test:${randomUUID()}:`;
    const [first, second] = [await start(prefix), await start(prefix)];
    if (first === undefined || second === undefined) throw new Error('instances did not start');
    const account = emulator.world.accounts.get(RESELLER_ID);
    if (account === undefined) throw new Error('the seed has no reseller account');
    account.webhooks = { transfer: `${first.url}/webhooks/neverlose` };
    emulator.transfer('bob', 'reseller', 1.25);
    await emulator.webhooksIdle();
    const listed = await (
      await fetch(`${second.url}/webhooks`, { headers: { authorization: ADMIN_AUTHORIZATION } })
    ).text();
    expect(listed).toMatch(
      /<tr class="webhook" data-kind="transfer"[^>]*><td>transfer<\/td><td>\d+<\/td><td>bob<\/td><td>1.25 NLE/,
    );
  });
});

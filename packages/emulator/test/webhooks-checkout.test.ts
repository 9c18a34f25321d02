import { createHash } from 'node:crypto';
import { jwtVerify } from 'jose';
import { verifySignature } from 'neverlose-market/signing';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/index.js';
import { emulator, market, webhookReceiver } from './helpers.js';

async function withHooks(statuses: number[] = [], settings: Record<string, unknown> = {}) {
  const receiver = await webhookReceiver(statuses);
  const emu = await emulator({
    config: {
      ...defaultConfig({ webhookUrl: receiver.url }),
      settings: { webhookRetry: { baseDelayMs: 10, maxAttempts: 3, timeoutMs: 2000 }, ...settings },
    },
  });
  return { receiver, emu };
}

describe('webhooks', () => {
  it('sends the seller a purchase event signed like the docs example (amount as a float, no kind)', async () => {
    const { receiver, emu } = await withHooks();
    emu.purchase('alice', 'E3yugw');
    const [delivery] = await emu.webhooksIdle();
    await receiver.close();
    expect(receiver.received).toHaveLength(1);
    const body = receiver.received[0]?.body ?? '';
    expect(receiver.received[0]?.contentType).toBe('application/json');
    expect(JSON.parse(body)).toMatchObject({
      kind: 'purchase',
      amount: 0.9,
      username: 'alice',
      unique_id: 1,
      item_id: 'E3yugw',
    });
    expect(Object.keys(JSON.parse(body))).toEqual([
      'kind',
      'amount',
      'username',
      'unique_id',
      'item_id',
      'signature',
    ]);
    const withoutKind = { ...JSON.parse(body) };
    delete withoutKind.kind;
    // The docs' algorithm by hand: sorted fields without kind, amount as a float, then the key.
    expect(JSON.parse(body).signature).toBe(
      createHash('sha256')
        .update('amount0.9item_idE3yugwunique_id1usernamealice' + 'emulator-shop-key')
        .digest('hex'),
    );
    expect(
      verifySignature(JSON.stringify(withoutKind), 'emulator-shop-key', { strict: true }),
    ).toBe(true);
    expect(verifySignature(body, 'emulator-shop-key')).toBe(true);
    expect(delivery).toMatchObject({
      kind: 'purchase',
      state: 'delivered',
      userId: 11,
      attempts: [{ status: 200 }],
    });
    expect(emu.world.userByLogin('shop')?.balanceCents).toBe(590);
    expect(emu.world.userByLogin('alice')?.balanceCents).toBe(9900);
  });

  it('prints an integral transfer amount as 1 but signs it as 1.0, like the docs transfer example', async () => {
    const { receiver, emu } = await withHooks();
    expect(
      await market(emu.url, 'transfer-money', {
        user_id: 10,
        id: 't',
        username: 'shop',
        amount: 1,
      }),
    ).toMatchObject({ success: true });
    await emu.webhooksIdle();
    await receiver.close();
    const body = receiver.received[0]?.body ?? '';
    expect(body).toMatch(
      /^\{"kind":"transfer","amount":1,"username":"reseller","unique_id":1,"signature":"[0-9a-f]{64}"\}$/,
    );
    expect(verifySignature(body, 'emulator-shop-key', { strict: true })).toBe(false);
    expect(verifySignature(body, 'emulator-shop-key')).toBe(true);
    const signed = body.replace('"kind":"transfer",', '').replace('"amount":1,', '"amount":1.0,');
    expect(verifySignature(signed, 'emulator-shop-key', { strict: true })).toBe(true);
  });

  it('covers kind and prints 1.0 when configured', async () => {
    const { receiver, emu } = await withHooks([], {
      webhookSignatureCoversKind: true,
      webhookIntegralAmountAsInteger: false,
    });
    emu.transfer('alice', 'shop', 3);
    await emu.webhooksIdle();
    await receiver.close();
    const body = receiver.received[0]?.body ?? '';
    expect(body).toContain('"amount":3.0');
    expect(verifySignature(body, 'emulator-shop-key', { strict: true })).toBe(true);
  });

  it('retries with backoff until a 2xx and records every attempt', async () => {
    const { receiver, emu } = await withHooks([500, 503]);
    emu.purchase('bob', 'E3yugw');
    const [delivery] = await emu.webhooksIdle();
    await receiver.close();
    expect(delivery?.state).toBe('delivered');
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    const [a, b, c] = delivery?.attempts ?? [];
    expect((b?.at ?? 0) - (a?.at ?? 0)).toBeGreaterThanOrEqual(10);
    expect((c?.at ?? 0) - (b?.at ?? 0)).toBeGreaterThanOrEqual(20);
    expect(receiver.received.map((r) => r.body)).toEqual([
      delivery?.body,
      delivery?.body,
      delivery?.body,
    ]);
  });

  it('gives up after maxAttempts and records network errors', async () => {
    const { receiver, emu } = await withHooks([500, 500, 500]);
    emu.purchase('bob', 'E3yugw');
    const [failedDelivery] = await emu.webhooksIdle();
    expect(failedDelivery).toMatchObject({
      state: 'failed',
      attempts: [{ status: 500 }, { status: 500 }, { status: 500 }],
    });
    await receiver.close();
    emu.purchase('alice', 'E3yugw');
    const deliveries = await emu.webhooksIdle();
    expect(
      deliveries.at(-1)?.attempts.every((a) => a.status === null && typeof a.error === 'string'),
    ).toBe(true);
    const listed = await (await fetch(`${emu.url}/admin/api/webhooks`)).json();
    expect(listed).toHaveLength(2);
  });

  it('sends nothing when no webhook URL is configured', async () => {
    const emu = await emulator();
    emu.purchase('alice', 'E3yugw');
    expect(await emu.webhooksIdle()).toEqual([]);
  });
});

/** Makes integration 100 private, as a new integration is: visible to its owner only. */
async function hide(url: string): Promise<void> {
  expect(
    await market(url, 'integration-visibility', {
      user_id: 10,
      integration_id: 100,
      is_public: false,
    }),
  ).toMatchObject({ success: true });
}

describe('checkout', () => {
  it('offers the demo seed’s integration to every user: a top-up is not a transfer to oneself', async () => {
    const emu = await emulator();
    const page = await (await fetch(`${emu.url}/checkout?login=alice&product=marketplace`)).text();
    expect(page).toContain('id="checkout-method-100"');
    const { payload } = await emu.checkout({
      login: 'alice',
      integrationId: 100,
      product: 'marketplace',
      nle: '10',
    });
    expect(payload).toMatchObject({ login: 'alice', market: true, nle: '10' });
  });

  it('shows a page with stable element ids and only the payment methods the user may see', async () => {
    const emu = await emulator();
    await hide(emu.url);
    const forOwner = await (await fetch(`${emu.url}/checkout?login=reseller&product=cs2`)).text();
    for (const id of [
      'checkout-form',
      'checkout-user',
      'checkout-product',
      'checkout-plan',
      'checkout-method-100',
      'checkout-submit',
    ]) {
      expect(forOwner).toContain(`id="${id}"`);
    }
    const forOther = await (
      await fetch(`${emu.url}/checkout?login=alice&product=marketplace`)
    ).text();
    expect(forOther).not.toContain('checkout-method-100');
    expect(forOther).toContain('id="checkout-nle"');
    expect(forOther).toContain('id="checkout-no-methods"');
  });

  it('redirects to the reseller with an nl_purchase JWT for a product (HS256, API key, NLRI, 1 hour)', async () => {
    const now = Date.UTC(2024, 11, 22, 20, 30, 17);
    const emu = await emulator({
      now: () => now,
      config: defaultConfig({ integrationRedirectUrl: 'https://test.local/checkout?ref=nl' }),
    });
    const response = await fetch(`${emu.url}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        login: 'alice',
        product: 'cs2',
        cnt: '0',
        integration_id: '100',
      }).toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('https://test.local/checkout');
    expect(location.searchParams.get('ref')).toBe('nl');
    const token = location.searchParams.get('nl_purchase') ?? '';
    const { payload, protectedHeader } = await jwtVerify(
      token,
      new TextEncoder().encode('emulator-reseller-key'),
      {
        issuer: 'NLRI',
        currentDate: new Date(now),
      },
    );
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toEqual({
      iss: 'NLRI',
      iat: now / 1000 - 0,
      exp: now / 1000 + 3600,
      integration_id: 100,
      product: 'cs2',
      cnt: 0,
      login: 'alice',
      email: 'alice@example.test',
      market: false,
      days: 30,
    });
  });

  it('makes a market top-up token with nle as a decimal string and cnt null', async () => {
    const emu = await emulator();
    const { payload } = await emu.checkout({
      login: 'reseller',
      integrationId: 100,
      product: 'marketplace',
      nle: '13.37',
    });
    expect(payload).toMatchObject({
      product: 'marketplace',
      market: true,
      cnt: null,
      nle: '13.37',
    });
    expect(payload).not.toHaveProperty('days');
  });

  it('refuses a private integration for other users, bad plans and bad amounts', async () => {
    const emu = await emulator();
    await hide(emu.url);
    const post = (form: Record<string, string>) =>
      fetch(`${emu.url}/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
      });
    const forms: Record<string, string>[] = [
      { login: 'alice', product: 'cs2', cnt: '0', integration_id: '100' },
      { login: 'reseller', product: 'cs2', cnt: '9', integration_id: '100' },
      { login: 'reseller', product: 'marketplace', nle: '0', integration_id: '100' },
      { login: 'reseller', product: 'marketplace', nle: '1.234', integration_id: '100' },
      { login: 'reseller', product: 'cs2', cnt: '0', integration_id: '5' },
      { login: 'nobody', product: 'cs2', cnt: '0', integration_id: '100' },
      {},
    ];
    for (const form of forms) {
      const response = await post(form);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('id="checkout-error"');
    }
  });
});

describe('market pages', () => {
  it('buys an item and transfers NLE from the page, sending webhooks', async () => {
    const { receiver, emu } = await withHooks();
    const page = await (await fetch(`${emu.url}/market?as=bob`)).text();
    expect(page).toContain('id="buy-E3yugw"');
    const form = (path: string, body: Record<string, string>) =>
      fetch(`${emu.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
        redirect: 'manual',
      });
    expect((await form('/market/buy', { buyer: 'bob', code: 'E3yugw' })).status).toBe(303);
    expect((await form('/market/buy', { buyer: 'bob', code: 'E3yugw' })).status).toBe(400);
    expect(
      (await form('/market/transfer', { from: 'bob', to: 'shop', amount: '1.5' })).status,
    ).toBe(303);
    const refused = await form('/market/transfer', { from: 'bob', to: 'shop', amount: '1e3' });
    expect(await refused.text()).toContain('Invalid amount');
    await emu.webhooksIdle();
    await receiver.close();
    expect(receiver.received.map((r) => JSON.parse(r.body).kind)).toEqual(['purchase', 'transfer']);
    expect(emu.ledger().map((e) => e.method)).toEqual(['purchase', 'transfer']);
  });
});

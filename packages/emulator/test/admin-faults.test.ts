import { signRequest } from 'neverlose-market/signing';
import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../src/faults/faults.js';
import { MARKET_ERRORS } from '../src/market/errors.js';
import {
  admin,
  emulator,
  exchangeLegacyCode,
  failed,
  market,
  ok,
  postRaw,
  RESELLER,
  signInThroughPages,
} from './helpers.js';

describe('admin API', () => {
  it('shows the world, a user, the ledger, calls and tokens', async () => {
    const emu = await emulator();
    await market(emu.url, 'transfer-money', { user_id: 10, id: 'a1', username: 'bob', amount: 2 });
    const world = await admin(emu.url, 'GET', '/world');
    expect(world.json.users.map((u: { login: string }) => u.login)).toEqual([
      'alice',
      'bob',
      'charlie',
      'reseller',
      'shop',
    ]);
    expect(world.json.marketAccounts[0]).toMatchObject({
      userId: 10,
      reseller: true,
      integration: { id: 100, public: true },
    });
    expect((await admin(emu.url, 'GET', '/users/BOB')).json).toMatchObject({
      login: 'bob',
      balance: 27,
    });
    expect((await admin(emu.url, 'GET', '/users/nobody')).status).toBe(404);
    expect((await admin(emu.url, 'GET', '/ledger')).json).toMatchObject([
      { seq: 1, userId: 10, requestId: 'a1', method: 'transfer-money', params: { amount: 2 } },
    ]);
    expect((await admin(emu.url, 'GET', '/calls?area=market')).json).toHaveLength(1);
    expect((await admin(emu.url, 'GET', '/calls?method=get-balance')).json).toHaveLength(0);
    expect((await admin(emu.url, 'GET', '/tokens')).json).toEqual({
      pendingAuthorizations: [],
      codes: [],
      tokens: [],
    });
    expect((await admin(emu.url, 'GET', '/items')).json).toEqual([
      { code: 'E3yugw', name: 'Demo config', price: 1, sellerId: 11 },
    ]);
    expect((await admin(emu.url, 'GET', '/market-accounts')).json).toHaveLength(2);
    expect((await admin(emu.url, 'GET', '/snapshot')).json.version).toBe(1);
    expect((await admin(emu.url, 'DELETE', '/calls')).json).toEqual({ ok: true });
    expect((await admin(emu.url, 'GET', '/calls')).json).toEqual([]);
  });

  it('changes a user, refusing unknown fields and bad values', async () => {
    const emu = await emulator();
    expect(
      (await admin(emu.url, 'PATCH', '/users/bob', { balance: 12.5, invited: ['cs2'] })).json,
    ).toMatchObject({ balance: 12.5, invited: ['cs2'] });
    expect(
      await market(emu.url, 'is-user-invited', { user_id: 10, username: 'bob', product: 'cs2' }),
    ).toEqual(ok({ cheat_public: false, user_invited: true }));
    expect((await admin(emu.url, 'PATCH', '/users/bob', { balance: 1.234 })).json).toMatchObject({
      error: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('balance'),
    });
    expect((await admin(emu.url, 'PATCH', '/users/bob', { id: 5 })).status).toBe(400);
    expect((await admin(emu.url, 'PATCH', '/users/bob', { items: ['nope'] })).status).toBe(400);
    expect((await admin(emu.url, 'PATCH', '/users/bob', '{bad')).json).toMatchObject({
      error: 'ERR_INVALID_ARGUMENT',
    });
    expect((await admin(emu.url, 'PATCH', '/users/bob', '[]')).status).toBe(400);
  });

  it('seeds new users, items, accounts and clients, and resets to the start-up seed', async () => {
    const emu = await emulator();
    const seeded = await admin(emu.url, 'POST', '/seed', {
      users: [{ id: 50, login: 'dave', balance: 3 }],
      items: [{ code: 'Xyz123', price: 2.5, sellerId: 50 }],
      marketAccounts: [{ userId: 50, apiKey: 'dave-key' }],
    });
    expect(seeded.status).toBe(200);
    expect(await market(emu.url, 'get-balance', { user_id: 50 }, 'dave-key')).toEqual(
      ok({ balance: 3 }),
    );
    expect(
      (await admin(emu.url, 'POST', '/seed', { users: [{ id: 51, login: 'DAVE' }] })).json,
    ).toMatchObject({ error: 'ERR_INVALID_OPTION' });
    expect((await admin(emu.url, 'POST', '/seed', { robots: [] })).status).toBe(400);
    await market(emu.url, 'transfer-money', { user_id: 10, id: 'r1', username: 'bob', amount: 2 });
    expect((await admin(emu.url, 'POST', '/reset')).json).toEqual({ ok: true });
    expect(emu.world.userByLogin('dave')).toBeUndefined();
    expect(emu.world.userByLogin('bob')?.balanceCents).toBe(2500);
    expect(emu.ledger()).toEqual([]);
    expect(
      await market(emu.url, 'transfer-money', {
        user_id: 10,
        id: 'r1',
        username: 'bob',
        amount: 2,
      }),
    ).toEqual(ok());
  });

  it('resets to a new config, and refuses an invalid one naming the field', async () => {
    const emu = await emulator();
    const bad = await admin(emu.url, 'POST', '/reset', {
      config: { users: [{ id: 1, login: 'has space' }] },
    });
    expect(bad).toMatchObject({
      status: 400,
      json: { error: 'ERR_INVALID_OPTION', message: expect.stringContaining('users[0].login') },
    });
    expect(
      (await admin(emu.url, 'POST', '/reset', { config: { users: [{ id: 1, login: 'solo' }] } }))
        .status,
    ).toBe(200);
    expect([...emu.world.users.values()].map((u) => u.login)).toEqual(['solo']);
  });

  it('buys, transfers and makes checkout tokens for tests', async () => {
    const emu = await emulator();
    expect(
      (await admin(emu.url, 'POST', '/purchases', { buyer: 'alice', item: 'E3yugw' })).json,
    ).toMatchObject({ ok: true, ledger: { method: 'purchase' } });
    expect(
      (await admin(emu.url, 'POST', '/purchases', { buyer: 'alice', item: 'E3yugw' })).json,
    ).toEqual({
      error: 'ERR_OPERATION_REFUSED',
      message: 'This user already has this item',
    });
    expect(
      (await admin(emu.url, 'POST', '/transfers', { from: 'alice', to: 'bob', amount: 1 })).status,
    ).toBe(200);
    expect(
      (await admin(emu.url, 'POST', '/transfers', { from: 'alice', to: 'bob', amount: 'x' }))
        .status,
    ).toBe(400);
    const checkout = await admin(emu.url, 'POST', '/checkout', {
      login: 'reseller',
      integrationId: 100,
      product: 'csgo',
      cnt: 2,
    });
    expect(checkout.json.payload).toMatchObject({ product: 'csgo', cnt: 2, days: 180 });
    expect(checkout.json.redirectUrl).toContain('nl_purchase=');
    expect((await admin(emu.url, 'POST', '/checkout', { login: 'reseller' })).status).toBe(400);
    expect((await admin(emu.url, 'GET', '/nothing')).status).toBe(404);
  });

  it('renders the dashboard with every section, escaped', async () => {
    const emu = await emulator({
      config: { users: [{ id: 1, login: 'x', email: '<img src=x onerror=alert(1)>' }] },
    });
    const html = await (await fetch(`${emu.url}/admin`)).text();
    for (const id of [
      'dashboard-users',
      'dashboard-accounts',
      'dashboard-items',
      'dashboard-calls',
      'dashboard-webhooks',
      'dashboard-tokens',
      'dashboard-faults',
      'dashboard-ledger',
    ]) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img');
  });

  it('requires the admin token when one is set', async () => {
    const emu = await emulator({ adminToken: 's3cret-s3cret-s3cret' });
    expect((await fetch(`${emu.url}/admin/api/world`)).status).toBe(401);
    expect((await fetch(`${emu.url}/admin`)).status).toBe(401);
    expect(
      (
        await fetch(`${emu.url}/admin/api/world`, {
          headers: { authorization: 'Bearer s3cret-s3cret-s3cret' },
        })
      ).status,
    ).toBe(200);
  });
});

describe('faults', () => {
  it('answers error5xx in the docs shape for a counted number of calls, without applying', async () => {
    const emu = await emulator();
    expect(
      (
        await admin(emu.url, 'POST', '/faults', {
          method: 'transfer-money',
          kind: 'error5xx',
          count: 2,
          status: 502,
        })
      ).json,
    ).toMatchObject({ id: 1, remaining: 2 });
    const { body } = signRequest(
      { user_id: 10, id: 'f1', username: 'bob', amount: 1 },
      RESELLER.key,
    );
    expect(await postRaw(emu.url, 'transfer-money', body)).toEqual({
      status: 502,
      json: failed(MARKET_ERRORS.injected),
    });
    expect(await market(emu.url, 'get-balance', { user_id: 10 })).toEqual(ok({ balance: 1000 }));
    expect((await postRaw(emu.url, 'transfer-money', body)).status).toBe(502);
    expect(await postRaw(emu.url, 'transfer-money', body)).toEqual({ status: 200, json: ok() });
    expect(emu.ledger()).toHaveLength(1);
    expect(emu.calls.filter((c) => c.fault === 'error5xx')).toHaveLength(2);
  });

  it('resets the connection without applying', async () => {
    const emu = await emulator();
    emu.addFault({ method: '*', kind: 'reset', count: 1 });
    const { body } = signRequest(
      { user_id: 10, id: 'f2', username: 'bob', amount: 1 },
      RESELLER.key,
    );
    await expect(postRaw(emu.url, 'transfer-money', body)).rejects.toThrow();
    expect(emu.ledger()).toHaveLength(0);
    expect(await postRaw(emu.url, 'transfer-money', body)).toEqual({ status: 200, json: ok() });
  });

  it('drop-after-apply applies the action, drops the reply, and the retry answers "Invalid id."', async () => {
    const emu = await emulator();
    emu.addFault({ method: 'gift-product', kind: 'drop-after-apply', count: 1 });
    const { body } = signRequest(
      { user_id: 10, id: 'f3', username: 'bob', product: 'csgo', cnt: 0 },
      RESELLER.key,
    );
    await expect(postRaw(emu.url, 'gift-product', body)).rejects.toThrow();
    expect(emu.ledger()).toMatchObject([{ requestId: 'f3', method: 'gift-product' }]);
    expect(await postRaw(emu.url, 'gift-product', body)).toEqual({
      status: 200,
      json: failed('Invalid id.'),
    });
    expect(emu.ledger()).toHaveLength(1);
    expect(emu.world.users.get(10)?.balanceCents).toBe(100_000 - 1710);
    expect(emu.calls.map((c) => c.outcome)).toEqual(['dropped', 'answered']);
  });

  it('delays calls, also outside the market API by path', async () => {
    const emu = await emulator();
    emu.addFault({ path: '/.well-known/', kind: 'delay', delayMs: 150, count: 1 });
    const started = Date.now();
    expect((await fetch(`${emu.url}/.well-known/openid-configuration`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    emu.addFault({ path: '/oauth2/token', kind: 'error5xx', count: 1 });
    const token = await fetch(`${emu.url}/oauth2/token`, { method: 'POST' });
    expect(token.status).toBe(503);
    expect(await token.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });

  it('fires probability faults reproducibly for a seed', () => {
    const pattern = (seed: number) => {
      const faults = new FaultInjector(seed);
      faults.add({ kind: 'error5xx', probability: 0.3 });
      return Array.from({ length: 40 }, () =>
        faults.take({ path: '/api/market/x', marketMethod: 'x' }) ? 1 : 0,
      ).join('');
    };
    expect(pattern(42)).toBe(pattern(42));
    expect(pattern(42)).not.toBe(pattern(43));
    const hits = pattern(7)
      .split('')
      .filter((c) => c === '1').length;
    expect(hits).toBeGreaterThan(3);
    expect(hits).toBeLessThan(25);
  });

  it('validates, lists and removes faults through the admin API', async () => {
    const emu = await emulator();
    for (const spec of [
      {},
      { kind: 'explode' },
      { kind: 'delay', count: 0 },
      { kind: 'delay', probability: 2 },
      { kind: 'error5xx', status: 404 },
      { kind: 'reset', path: 'x' },
      { kind: 'reset', path: '/admin/api' },
    ]) {
      expect((await admin(emu.url, 'POST', '/faults', spec)).json).toMatchObject({
        error: 'ERR_INVALID_ARGUMENT',
      });
    }
    expect((await admin(emu.url, 'POST', '/faults', { seed: 9 })).json).toEqual({
      seed: 9,
      faults: [],
    });
    const { json } = await admin(emu.url, 'POST', '/faults', {
      kind: 'reset',
      probability: 0.5,
      seed: 3,
    });
    expect((await admin(emu.url, 'GET', '/faults')).json).toMatchObject({
      seed: 3,
      faults: [{ id: json.id, kind: 'reset' }],
    });
    expect((await admin(emu.url, 'DELETE', `/faults/${json.id}`)).status).toBe(200);
    expect((await admin(emu.url, 'DELETE', `/faults/${json.id}`)).status).toBe(404);
    emu.addFault({ kind: 'reset' });
    expect((await admin(emu.url, 'DELETE', '/faults')).status).toBe(200);
    expect(await market(emu.url, 'get-balance', { user_id: 10 })).toEqual(ok({ balance: 1000 }));
  });

  it('never injects faults into the admin API', async () => {
    const emu = await emulator();
    emu.addFault({ kind: 'reset' });
    emu.addFault({ path: '/', kind: 'reset' });
    expect((await admin(emu.url, 'GET', '/world')).status).toBe(200);
  });
});

describe('dashboard and pages after activity', () => {
  it('lists calls, ledger entries, deliveries, tokens, codes, faults and prices', async () => {
    const emu = await emulator();
    await market(emu.url, 'transfer-money', { user_id: 10, id: 'd1', username: 'bob', amount: 1 });
    await market(emu.url, 'set-reseller-prices', {
      user_id: 10,
      integration_id: 100,
      prices: '{"cs2":{"EUR":["1","2"]},"marketplace":{"USD":"1.1"}}',
    });
    emu.addFault({ method: 'get-prices', kind: 'delay', delayMs: 0 });
    const authorize = new URL('/oauth2/authorize', emu.url);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'emulator-legacy-client',
      redirect_uri: 'http://127.0.0.1:3000/callback',
      scope: 'openid no_pkce',
      state: 's',
    }).toString();
    const callback = new URL(await signInThroughPages(emu.url, authorize.href, 'alice'));
    const token = await exchangeLegacyCode(emu.url, callback.searchParams.get('code') ?? '');
    expect(token.status).toBe(200);
    const html = await (await fetch(`${emu.url}/admin`)).text();
    expect(html).toContain('transfer-money');
    expect(html).toContain('emulator-client');
    expect(html).toContain('get-prices');
    expect(
      (await admin(emu.url, 'GET', '/world')).json.marketAccounts[0].integration.prices
        .remainingSeconds,
    ).toBeGreaterThan(86_390);
    const checkout = await (
      await fetch(`${emu.url}/checkout?login=reseller&product=cs2&cnt=0`)
    ).text();
    expect(checkout).toContain('1–2 EUR');
    const tokens = (await admin(emu.url, 'GET', '/tokens')).json;
    expect(tokens.codes).toMatchObject([{ used: true, pkce: false }]);
    expect(tokens.tokens).toMatchObject([{ userId: 1, revoked: false }]);
  });

  it('serves the home, profile and not-found pages, and 413 for huge forms', async () => {
    const emu = await emulator();
    expect(await (await fetch(`${emu.url}/`)).text()).toContain('/admin');
    expect(await (await fetch(`${emu.url}/users/alice`)).text()).toContain('2019-04-12');
    expect((await fetch(`${emu.url}/users/nobody`)).status).toBe(404);
    expect((await fetch(`${emu.url}/nothing-here`)).status).toBe(404);
    expect((await fetch(`${emu.url}/checkout`, { method: 'DELETE' })).status).toBe(405);
    const huge = await fetch(`${emu.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a='.padEnd(2 * 1024 * 1024, 'x'),
    });
    expect(huge.status).toBe(413);
    expect(await market(emu.url, 'get-balance', { user_id: 10 })).toEqual(ok({ balance: 1000 }));
  });
});

import { describe, expect, it } from 'vitest';
import { admin, emulator, market } from './helpers.js';

const SHOP_ACCOUNT = { userId: 11, apiKey: 'emulator-shop-key' };

describe('POST /admin/api/seed', () => {
  it('names a bad entry by its index in the request, not in the merged list', async () => {
    const emu = await emulator();
    const reply = await admin(emu.url, 'POST', '/seed', {
      marketAccounts: [{ userId: 99, apiKey: 'k' }],
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      error: 'ERR_INVALID_OPTION',
      message: 'Invalid emulator config: marketAccounts[0].userId is not a configured user id.',
    });
    const second = await admin(emu.url, 'POST', '/seed', {
      users: [
        { id: 20, login: 'dave' },
        { id: 21, login: 'eve', balance: 0.001 },
      ],
    });
    expect(second.json.message).toBe(
      'Invalid emulator config: users[1].balance has more than 2 decimals.',
    );
  });

  it('names an entry already seeded by its key when the request collides with it', async () => {
    const emu = await emulator();
    const reply = await admin(emu.url, 'POST', '/seed', {
      marketAccounts: [
        { userId: 1, apiKey: 'k', integration: { id: 100, redirectUrl: 'http://x/' } },
      ],
    });
    expect(reply.status).toBe(400);
    expect(reply.json.message).toBe(
      'Invalid emulator config: marketAccounts[0].integration.id repeats "100".',
    );
    const users = await admin(emu.url, 'POST', '/seed', { users: [{ id: 20, login: 'ALICE' }] });
    expect(users.json.message).toBe('Invalid emulator config: users[0] repeats "alice".');
  });

  it('keeps the reseller prices pushed to an integration it re-seeds, until a reset', async () => {
    const emu = await emulator();
    const prices = '{"cs2":{"EUR":"20"},"marketplace":{"EUR":"1.1"}}';
    expect(
      await market(emu.url, 'set-reseller-prices', { user_id: 10, integration_id: 100, prices }),
    ).toMatchObject({ success: true });
    const reseed = await admin(emu.url, 'POST', '/seed', {
      marketAccounts: [
        {
          userId: 10,
          apiKey: 'emulator-reseller-key',
          reseller: true,
          integration: { id: 100, name: 'Renamed', redirectUrl: 'http://127.0.0.1:3002/checkout' },
        },
      ],
    });
    expect(reseed.status).toBe(200);
    const integration = reseed.json.marketAccounts[0].integration;
    expect(integration).toMatchObject({
      name: 'Renamed',
      prices: { prices: { 'cs2-30': { EUR: '20' }, marketplace: { EUR: '1.1' } } },
    });
    await admin(emu.url, 'POST', '/reset');
    expect((await admin(emu.url, 'GET', '/world')).json.marketAccounts[0].integration.prices).toBe(
      null,
    );
  });

  it('keeps the subscriptions of a user it re-seeds', async () => {
    const emu = await emulator();
    await market(emu.url, 'gift-product', {
      user_id: 10,
      id: 'g1',
      username: 'bob',
      product: 'csgo',
      cnt: 0,
    });
    const reply = await admin(emu.url, 'POST', '/seed', {
      users: [{ id: 2, login: 'bob', balance: 7 }],
    });
    const bob = reply.json.users.find((u: { login: string }) => u.login === 'bob');
    expect(bob).toMatchObject({ balance: 7, subscriptions: { csgo: expect.any(String) } });
  });

  it('refuses an unknown list or a list that is not an array', async () => {
    const emu = await emulator();
    expect((await admin(emu.url, 'POST', '/seed', { accounts: [] })).json.message).toContain(
      'unknown list "accounts"',
    );
    expect(
      (await admin(emu.url, 'POST', '/seed', { marketAccounts: SHOP_ACCOUNT })).json.message,
    ).toBe('seed: marketAccounts must be an array.');
  });
});

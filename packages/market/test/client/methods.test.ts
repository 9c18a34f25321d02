import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_MARKET_API_BASE_URL, verifySignature } from '../../src/index.js';
import { ORIGIN, ok, recordingClient, SECRET } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
// Files may share a worker: leave the network as this file found it.
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

function lastBody(sent: { body: string }[]): Record<string, unknown> {
  const last = sent.at(-1);
  if (!last) throw new Error('nothing was sent');
  expect(verifySignature(last.body, SECRET, { strict: true })).toBe(true);
  return JSON.parse(last.body) as Record<string, unknown>;
}

describe('MarketClient methods', () => {
  it('give-for-free sends username and code with a generated id, signed over the exact bytes', async () => {
    const scope = nock(ORIGIN).post('/api/market/give-for-free').reply(200, ok());
    const { client, sent } = recordingClient();
    const result = await client.giveForFree({ username: 'darth', code: 'E3yugw' });
    scope.done();
    expect(result.status).toBe('completed');
    const body = lastBody(sent);
    expect(Object.keys(body)).toEqual(['user_id', 'id', 'username', 'code', 'signature']);
    expect(body).toMatchObject({ user_id: 1, username: 'darth', code: 'E3yugw' });
    expect(body['id']).toMatch(/^[A-Za-z0-9._-]{1,80}$/);
    expect(result.id).toBe(body['id']);
    expect(sent[0]?.headers['content-type']).toBe('application/json');
  });

  it('transfer-money sends a decimal string amount as a JSON number', async () => {
    nock(ORIGIN).post('/api/market/transfer-money').reply(200, ok());
    const { client, sent } = recordingClient();
    await client.transferMoney({ username: 'a49', amount: '13.37', id: 'order-1' });
    expect(sent[0]?.body).toContain('"amount":13.37');
    expect(lastBody(sent)).toMatchObject({ id: 'order-1', username: 'a49', amount: 13.37 });
  });

  it('gift-product converts days to cnt and refuses a disagreeing pair', async () => {
    nock(ORIGIN).post('/api/market/gift-product').reply(200, ok());
    const { client, sent } = recordingClient();
    await client.giftProduct({ username: 'darth', product: 'cs2', days: 180, id: 42 });
    expect(lastBody(sent)).toMatchObject({ id: 42, product: 'cs2', cnt: 2 });
    await expect(
      client.giftProduct({ username: 'darth', product: 'cs2', days: 30, cnt: 1 }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    expect(sent).toHaveLength(1);
  });

  it('get-prices reads plans sorted by days and keeps unknown fields', async () => {
    nock(ORIGIN)
      .post('/api/market/get-prices')
      .reply(
        200,
        ok({
          prices: {
            '90': { cnt: 1, eur: 44.1, rub: 3529 },
            '30': { cnt: 0, eur: 17.1, rub: 1368, usd: 18 },
          },
          promo: 'new field',
        }),
      );
    const { client, sent } = recordingClient();
    const result = await client.getPrices({ product: 'csgo' });
    expect(result.plans).toEqual([
      { days: 30, cnt: 0, prices: { eur: 17.1, rub: 1368, usd: 18 } },
      { days: 90, cnt: 1, prices: { eur: 44.1, rub: 3529 } },
    ]);
    expect(result.reply['promo']).toBe('new field');
    const body = lastBody(sent);
    expect(body).not.toHaveProperty('id');
    expect(body).toMatchObject({ product: 'csgo' });
  });

  it('is-user-invited reads cheat_public and user_invited', async () => {
    nock(ORIGIN)
      .post('/api/market/is-user-invited')
      .reply(200, ok({ cheat_public: false, user_invited: true }));
    const { client, sent } = recordingClient();
    const result = await client.isUserInvited({ username: 'target_user', product: 'cs2' });
    expect(result).toMatchObject({ cheatPublic: false, userInvited: true });
    expect(lastBody(sent)).toMatchObject({ username: 'target_user', product: 'cs2' });
  });

  it('is-user-exists reads user_exists', async () => {
    nock(ORIGIN)
      .post('/api/market/is-user-exists')
      .reply(200, { success: true, succ: true, user_exists: false });
    const { client } = recordingClient();
    expect((await client.isUserExists({ username: 'nobody' })).userExists).toBe(false);
  });

  it('get-balance reads balance and accepts a reply with only the legacy succ flag', async () => {
    nock(ORIGIN).post('/api/market/get-balance').reply(200, { succ: true, balance: 62.6 });
    const { client, sent } = recordingClient();
    expect((await client.getBalance()).balance).toBe(62.6);
    expect(Object.keys(lastBody(sent))).toEqual(['user_id', 'signature']);
  });

  it('integration-visibility sends is_public (not public)', async () => {
    nock(ORIGIN).post('/api/market/integration-visibility').reply(200, ok());
    const { client, sent } = recordingClient();
    const result = await client.setIntegrationVisibility({ integrationId: 100, isPublic: true });
    expect(result.status).toBe('ok');
    const body = lastBody(sent);
    expect(body).toMatchObject({ integration_id: 100, is_public: true });
    expect(body).not.toHaveProperty('public');
  });

  it('set-reseller-prices validates, then sends prices as a JSON string signed as that string', async () => {
    nock(ORIGIN).post('/api/market/set-reseller-prices').reply(200, ok());
    const { client, sent } = recordingClient();
    const prices = { 'cs2-30': { EUR: ['30.50', '31.30'] as const }, marketplace: { EUR: '1.1' } };
    await client.setResellerPrices({ integrationId: 100, prices });
    const body = lastBody(sent);
    expect(typeof body['prices']).toBe('string');
    expect(JSON.parse(body['prices'] as string)).toEqual(prices);
    await expect(
      client.setResellerPrices({ integrationId: 100, prices: { cs2: { eur: '1' } } }),
    ).rejects.toMatchObject({ code: 'ERR_PRICES_INVALID' });
    expect(sent).toHaveLength(1);
  });

  it('uses the legacy endpoint when asked', async () => {
    const scope = nock('https://neverlose.cc')
      .post('/api/market/get-balance')
      .reply(200, ok({ balance: 1 }));
    const { client } = recordingClient({ baseUrl: LEGACY_MARKET_API_BASE_URL });
    await client.getBalance();
    scope.done();
  });

  it('dispatches call() by API method name', async () => {
    nock(ORIGIN)
      .post('/api/market/is-user-exists')
      .reply(200, ok({ user_exists: true }));
    const { client } = recordingClient();
    await expect(client.call('is-user-exists', { username: 'darth' })).resolves.toMatchObject({
      userExists: true,
    });
  });

  it('sends connection: close when connection reuse is off', async () => {
    nock(ORIGIN)
      .post('/api/market/get-balance')
      .reply(200, ok({ balance: 1 }));
    const { client, sent } = recordingClient({ reuseConnections: false });
    await client.getBalance();
    expect(sent[0]?.headers['connection']).toBe('close');
  });

  it('refuses plain http to a non-loopback host and bad options', async () => {
    expect(() => recordingClient({ baseUrl: 'http://example.com/api/market' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => recordingClient({ userId: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });
});

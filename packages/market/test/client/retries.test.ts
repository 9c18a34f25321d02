import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/client/transport.js';
import { generateRequestId, isNeverloseMarketError, validateRequestId } from '../../src/index.js';
import { failure, ORIGIN, ok, recordingClient } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
// Files may share a worker: leave the network as this file found it.
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

const gift = { username: 'darth', product: 'cs2', cnt: 0 } as const;

describe('retries', () => {
  it('retries a 5xx with the same id and the same bytes', async () => {
    nock(ORIGIN)
      .post('/api/market/gift-product')
      .reply(502, 'bad gateway')
      .post('/api/market/gift-product')
      .reply(200, ok());
    const { client, sent } = recordingClient();
    const result = await client.giftProduct(gift);
    expect(result).toMatchObject({ status: 'completed', attempts: 2 });
    expect(sent).toHaveLength(2);
    expect(sent[1]?.body).toBe(sent[0]?.body);
  });

  it('retries a network error with the same id', async () => {
    nock(ORIGIN)
      .post('/api/market/give-for-free')
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .post('/api/market/give-for-free')
      .reply(200, ok());
    const { client, sent } = recordingClient();
    await client.giveForFree({ username: 'darth', code: 'E3yugw', id: 'given-1' });
    expect(sent.map((request) => JSON.parse(request.body).id)).toEqual(['given-1', 'given-1']);
  });

  it('times out an attempt, then retries it with the same id', async () => {
    nock(ORIGIN).post('/api/market/transfer-money').delay(2000).reply(200, ok());
    nock(ORIGIN).post('/api/market/transfer-money').reply(200, ok());
    const { client, sent } = recordingClient({ timeoutMs: 50 });
    const result = await client.transferMoney({ username: 'a49', amount: 2 });
    expect(result.attempts).toBe(2);
    expect(sent[1]?.body).toBe(sent[0]?.body);
  });

  it('gives up after the retry count with a typed transport error', async () => {
    nock(ORIGIN).post('/api/market/get-balance').times(3).reply(503, '');
    const { client, sent } = recordingClient({ retries: 2 });
    const error = await client.getBalance().catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'ERR_MARKET_HTTP_5XX',
      attempts: 3,
      httpStatus: 503,
      retryable: true,
    });
    expect(sent).toHaveLength(3);
  });

  it('reports a timeout with ERR_MARKET_TIMEOUT when every attempt times out', async () => {
    nock(ORIGIN)
      .post('/api/market/get-balance')
      .times(2)
      .delay(2000)
      .reply(200, ok({ balance: 1 }));
    const { client } = recordingClient({ timeoutMs: 30, retries: 1 });
    await expect(client.getBalance()).rejects.toMatchObject({
      code: 'ERR_MARKET_TIMEOUT',
      attempts: 2,
    });
  });

  it('does not retry an API error', async () => {
    nock(ORIGIN).post('/api/market/gift-product').reply(200, failure("User doesn't exist"));
    const { client, sent } = recordingClient();
    const error = await client.giftProduct(gift).catch((caught: unknown) => caught);
    expect(isNeverloseMarketError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'ERR_MARKET_USER_NOT_FOUND',
      providerMessage: "User doesn't exist",
      attempts: 1,
    });
    expect(sent).toHaveLength(1);
  });

  it('stops retrying when the caller aborts', async () => {
    nock(ORIGIN)
      .post('/api/market/get-balance')
      .delay(2000)
      .reply(200, ok({ balance: 1 }));
    const { client } = recordingClient();
    const controller = new AbortController();
    const pending = client.getBalance({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'ERR_MARKET_ABORTED' });
  });

  it('keeps backoff within the doubling ceiling', () => {
    expect(backoffDelay(1, 100, 1000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 1000, () => 0.999)).toBe(399);
    expect(backoffDelay(10, 100, 1000, () => 0.999)).toBe(999);
    expect(backoffDelay(2, 100, 1000, () => 0)).toBe(0);
  });
});

describe('"Invalid id." semantics', () => {
  it('is an id collision on the first attempt', async () => {
    nock(ORIGIN).post('/api/market/gift-product').reply(200, failure('Invalid id.'));
    const { client } = recordingClient();
    await expect(client.giftProduct({ ...gift, id: 'used-before' })).rejects.toMatchObject({
      code: 'ERR_MARKET_ID_COLLISION',
      providerMessage: 'Invalid id.',
    });
  });

  it('is already-completed on a retry: the lost attempt had applied', async () => {
    nock(ORIGIN)
      .post('/api/market/gift-product')
      .replyWithError({ code: 'ECONNRESET', message: 'reset after apply' })
      .post('/api/market/gift-product')
      .reply(200, failure('Invalid id.'));
    const { client } = recordingClient();
    const result = await client.giftProduct({ ...gift, id: 'order-9' });
    expect(result).toEqual({
      status: 'already-completed',
      method: 'gift-product',
      id: 'order-9',
      key: undefined,
      attempts: 2,
      fromJournal: false,
    });
    expect(result).not.toHaveProperty('reply');
  });
});

describe('resending an id after a call failed without an answer', () => {
  it('reads "Invalid id." as already-completed when the caller says it resends', async () => {
    nock(ORIGIN)
      .post('/api/market/transfer-money')
      .replyWithError({ code: 'ECONNRESET', message: 'reset' })
      .post('/api/market/transfer-money')
      .reply(200, failure('Invalid id.'));
    const { client, sent } = recordingClient({ retries: 0 });
    const failed = await client
      .transferMoney({ username: 'a49', amount: 2 })
      .catch((caught: unknown) => caught);
    expect(failed).toMatchObject({ code: 'ERR_MARKET_NETWORK' });
    const id = (failed as { requestId: string }).requestId;
    const again = await client.transferMoney({ username: 'a49', amount: 2, id, resend: true });
    expect(again).toMatchObject({ status: 'already-completed', id, attempts: 1 });
    expect(sent[1]?.body).toBe(sent[0]?.body);
  });
});

describe('replies and errors', () => {
  it.each([
    ['This user already has this item', 'ERR_MARKET_ALREADY_OWNED'],
    ['invalid item', 'ERR_MARKET_INVALID_ITEM'],
    ['invalid content type(not application/json)', 'ERR_MARKET_INVALID_CONTENT_TYPE'],
    ['Something new went wrong', 'ERR_MARKET_API'],
  ])('maps "%s" to %s and keeps the message', async (message, code) => {
    nock(ORIGIN).post('/api/market/give-for-free').reply(200, failure(message));
    const { client } = recordingClient();
    await expect(client.giveForFree({ username: 'darth', code: 'X' })).rejects.toMatchObject({
      code,
      providerMessage: message,
    });
  });

  it('reads an API error from a non-2xx reply with an error body', async () => {
    nock(ORIGIN).post('/api/market/give-for-free').reply(400, failure('invalid item'));
    const { client } = recordingClient();
    await expect(client.giveForFree({ username: 'darth', code: 'X' })).rejects.toMatchObject({
      code: 'ERR_MARKET_INVALID_ITEM',
      httpStatus: 400,
    });
  });

  it('reports a non-JSON 2xx as ERR_MARKET_INVALID_REPLY and a non-JSON 404 as ERR_MARKET_HTTP_STATUS', async () => {
    nock(ORIGIN)
      .post('/api/market/get-balance')
      .reply(200, '<html>')
      .post('/api/market/get-balance')
      .reply(404, 'not found');
    const { client } = recordingClient();
    await expect(client.getBalance()).rejects.toMatchObject({ code: 'ERR_MARKET_INVALID_REPLY' });
    await expect(client.getBalance()).rejects.toMatchObject({
      code: 'ERR_MARKET_HTTP_STATUS',
      httpStatus: 404,
    });
  });

  it('names the missing field of a successful reply', async () => {
    nock(ORIGIN)
      .post('/api/market/get-balance')
      .reply(200, ok({ balance: 'lots' }));
    const { client } = recordingClient();
    await expect(client.getBalance()).rejects.toThrow(/"balance"/);
  });
});

describe('request ids', () => {
  it('generates ids of allowed characters, at most 80', () => {
    for (let i = 0; i < 50; i++)
      expect(generateRequestId('shop-')).toMatch(/^shop-[A-Za-z0-9_-]{24}$/);
  });

  it.each([['has space'], ['x'.repeat(81)], [''], ['ünicode'], [-1], [1.5]])(
    'refuses %j before sending',
    async (id) => {
      expect(() => validateRequestId(id)).toThrow(
        expect.objectContaining({ code: 'ERR_MARKET_INVALID_ID' }),
      );
      const { client, sent } = recordingClient();
      await expect(
        client.giveForFree({ username: 'darth', code: 'X', id: id as string }),
      ).rejects.toMatchObject({
        code: 'ERR_MARKET_INVALID_ID',
      });
      expect(sent).toHaveLength(0);
    },
  );

  it('accepts 80 characters, integers and bigints', () => {
    expect(validateRequestId('a'.repeat(80))).toBe('a'.repeat(80));
    expect(validateRequestId(1337)).toBe(1337);
    expect(validateRequestId(2n ** 70n)).toBe(2n ** 70n);
  });

  it('sends a bigint id as an exact JSON integer', async () => {
    nock(ORIGIN).post('/api/market/give-for-free').reply(200, ok());
    const { client, sent } = recordingClient();
    await client.giveForFree({ username: 'darth', code: 'X', id: 2n ** 70n });
    expect(sent[0]?.body).toContain('"id":1180591620717411303424,');
  });
});

import { createHash } from 'node:crypto';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keyRequestId, MemoryIdJournal, verifySignature } from '../../src/index.js';
import { failure, ORIGIN, ok, recordingClient, SECRET } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
// Files may share a worker: leave the network as this file found it.
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

const idOf = (body: string | undefined) => JSON.parse(body ?? '{}').id as unknown;

describe('a business key without a journal', () => {
  it('sends the same request id for the same key from two clients, so the provider refuses a repeat', async () => {
    nock(ORIGIN)
      .post('/api/market/transfer-money')
      .reply(200, ok())
      .post('/api/market/transfer-money')
      .reply(200, failure('Invalid id.'));
    const first = recordingClient();
    const second = recordingClient();
    const done = await first.client.transferMoney({ key: 'order-X', username: 'a49', amount: 2 });
    const again = await second.client.transferMoney({ key: 'order-X', username: 'a49', amount: 2 });
    expect(done).toMatchObject({ status: 'completed', key: 'order-X' });
    expect(again).toMatchObject({
      status: 'already-completed',
      key: 'order-X',
      attempts: 1,
      id: done.id,
    });
    expect(idOf(first.sent[0]?.body)).toBe(keyRequestId('transfer-money', 'order-X'));
    expect(second.sent[0]?.body).toBe(first.sent[0]?.body);
  });

  it('lets an explicit id win over the key', async () => {
    nock(ORIGIN).post('/api/market/gift-product').reply(200, ok());
    const { client, sent } = recordingClient();
    const result = await client.giftProduct({
      key: 'order-Y',
      id: 'given',
      username: 'darth',
      product: 'cs2',
      days: 30,
    });
    expect(result).toMatchObject({ id: 'given', key: 'order-Y' });
    expect(idOf(sent[0]?.body)).toBe('given');
  });

  it('still reports "Invalid id." on the first send of an explicit id as a collision', async () => {
    nock(ORIGIN).post('/api/market/give-for-free').reply(200, failure('Invalid id.'));
    const { client } = recordingClient();
    await expect(
      client.giveForFree({ id: 'used-elsewhere', key: 'order-Z', username: 'darth', code: 'C' }),
    ).rejects.toMatchObject({ code: 'ERR_MARKET_ID_COLLISION' });
  });

  it('refuses a key holding a lone surrogate, which two keys could share once encoded', async () => {
    const { client, sent } = recordingClient();
    await expect(
      client.transferMoney({ key: 'order-\uD800', username: 'a49', amount: 1 }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(sent).toHaveLength(0);
  });

  it('uses the key’s id with a journal too, so a journaled and an unjournaled call agree', async () => {
    nock(ORIGIN).post('/api/market/gift-product').reply(200, ok());
    const { client, sent } = recordingClient({ journal: new MemoryIdJournal() });
    await client.giftProduct({ key: 'order-J', username: 'darth', product: 'cs2', days: 30 });
    expect(idOf(sent[0]?.body)).toBe(keyRequestId('gift-product', 'order-J'));
  });

  it('puts the client’s idPrefix before the key’s id', async () => {
    nock(ORIGIN).post('/api/market/gift-product').reply(200, ok());
    const prefix = 'p'.repeat(56);
    const { client, sent } = recordingClient({ idPrefix: prefix });
    await client.giftProduct({ key: 'order-P', username: 'darth', product: 'cs2', days: 30 });
    expect(idOf(sent[0]?.body)).toBe(keyRequestId('gift-product', 'order-P', prefix));
  });
});

describe('keyRequestId', () => {
  it('is an allowed id of at most 80 characters, even after the longest prefix', () => {
    for (const prefix of ['', 'shop1-', 'p'.repeat(56)]) {
      const id = keyRequestId('transfer-money', 'order-1', prefix);
      expect(id).toMatch(/^[A-Za-z0-9._-]{1,80}$/);
      expect(id.startsWith(`${prefix}k`)).toBe(true);
      expect(id.length - prefix.length - 1).toBeGreaterThanOrEqual(23);
    }
  });

  it('is SHA-256 of a domain string, the method and the key, in base64url', () => {
    const digest = createHash('sha256')
      .update('neverlose-market/request-id-of-key/v1\0gift-product\0order-1')
      .digest('base64url');
    expect(keyRequestId('gift-product', 'order-1')).toBe(`k${digest}`);
  });

  it('differs between methods and between keys', () => {
    const ids = new Set([
      keyRequestId('gift-product', 'order-1'),
      keyRequestId('transfer-money', 'order-1'),
      keyRequestId('gift-product', 'order-2'),
      keyRequestId('gift-product', 'order-1\0'),
    ]);
    expect(ids.size).toBe(4);
  });
});

describe('transfer-money amounts', () => {
  const expectedSignature = (signed: string) =>
    createHash('sha256')
      .update(signed + SECRET)
      .digest('hex');

  it('sends and signs an integral amount as a float: 2.0, byte for byte', async () => {
    nock(ORIGIN).post('/api/market/transfer-money').reply(200, ok());
    const { client, sent } = recordingClient();
    await client.transferMoney({ username: 'a49', amount: 2, id: 'order-2' });
    const signature = expectedSignature('amount2.0idorder-2user_id1usernamea49');
    expect(sent[0]?.body).toBe(
      `{"user_id":1,"id":"order-2","username":"a49","amount":2.0,"signature":"${signature}"}`,
    );
    // The provider's reading of that body (Python floats) gives the same signature.
    expect(verifySignature(sent[0]!.body, SECRET, { strict: true })).toBe(true);
  });

  it('keeps a decimal string exact: 13.37 in the body and in the signed string', async () => {
    nock(ORIGIN).post('/api/market/transfer-money').reply(200, ok());
    const { client, sent } = recordingClient();
    await client.transferMoney({ username: 'a49', amount: '13.37', id: 'order-3' });
    const signature = expectedSignature('amount13.37idorder-3user_id1usernamea49');
    expect(sent[0]?.body).toBe(
      `{"user_id":1,"id":"order-3","username":"a49","amount":13.37,"signature":"${signature}"}`,
    );
  });

  it('sends a whole decimal string as a float too', async () => {
    nock(ORIGIN).post('/api/market/transfer-money').reply(200, ok());
    const { client, sent } = recordingClient();
    await client.transferMoney({ username: 'a49', amount: '10', id: 'order-4' });
    expect(sent[0]?.body).toContain('"amount":10.0,');
  });

  it('refuses a decimal string a float cannot keep exactly', async () => {
    const { client, sent } = recordingClient();
    await expect(
      client.transferMoney({ username: 'a49', amount: '0.1234567890123456', id: 'order-5' }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('significant digits'),
    });
    expect(sent).toHaveLength(0);
  });
});

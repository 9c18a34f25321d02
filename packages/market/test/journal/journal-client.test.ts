import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type IdJournal, MemoryIdJournal } from '../../src/index.js';
import { openSqliteIdJournal } from '../../src/sqlite/index.js';
import { failure, ORIGIN, ok, recordingClient } from '../client/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nl-journal-'));
beforeAll(() => nock.disableNetConnect());
// Files may share a worker: leave the network as this file found it.
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gift = { username: 'darth', product: 'cs2', days: 30 } as const;
let counter = 0;

describe.each([
  ['memory', async (): Promise<IdJournal> => new MemoryIdJournal()],
  ['sqlite', async (): Promise<IdJournal> => openSqliteIdJournal(join(dir, `j${counter++}.db`))],
])('%s journal with the client', (_name, open) => {
  it('maps a business key to one request id forever and does not send a completed one again', async () => {
    const journal = await open();
    nock(ORIGIN)
      .post('/api/market/gift-product')
      .reply(200, ok({ note: 'done' }));
    const { client, sent } = recordingClient({ journal });
    const first = await client.giftProduct({ ...gift, key: 'order-1' });
    const second = await client.giftProduct({ ...gift, key: 'order-1' });
    expect(first).toMatchObject({ status: 'completed', key: 'order-1', fromJournal: false });
    expect(second).toMatchObject({
      status: 'completed',
      key: 'order-1',
      fromJournal: true,
      attempts: 0,
      id: first.id,
    });
    expect(second.status === 'completed' && second.reply['note']).toBe('done');
    expect(sent).toHaveLength(1);
    const entry = await journal.get({ method: 'gift-product', key: 'order-1' });
    expect(entry?.state).toBe('completed');
  });

  it('refuses the same key with different parameters, sending nothing', async () => {
    const journal = await open();
    nock(ORIGIN).post('/api/market/gift-product').reply(200, ok());
    const { client, sent } = recordingClient({ journal });
    await client.giftProduct({ ...gift, key: 'order-2' });
    await expect(client.giftProduct({ ...gift, days: 90, key: 'order-2' })).rejects.toMatchObject({
      code: 'ERR_JOURNAL_KEY_CONFLICT',
    });
    expect(sent).toHaveLength(1);
  });

  it('refuses a request id already used by another key', async () => {
    const journal = await open();
    nock(ORIGIN).post('/api/market/gift-product').reply(200, ok());
    const { client } = recordingClient({ journal });
    await client.giftProduct({ ...gift, key: 'order-3', id: 'fixed-id' });
    await expect(
      client.giftProduct({ ...gift, key: 'order-4', id: 'fixed-id' }),
    ).rejects.toMatchObject({
      code: 'ERR_JOURNAL_ID_REUSED',
    });
  });

  it('writes the pending entry before the request leaves', async () => {
    const journal = await open();
    const states: (string | undefined)[] = [];
    const { client } = recordingClient({
      journal,
      fetch: async () => {
        states.push((await journal.get({ method: 'gift-product', key: 'order-5' }))?.state);
        return new Response(JSON.stringify(ok()), { status: 200 });
      },
    });
    await client.giftProduct({ ...gift, key: 'order-5' });
    expect(states).toEqual(['pending']);
  });

  it('records a final API error and throws it again without sending', async () => {
    const journal = await open();
    nock(ORIGIN).post('/api/market/gift-product').reply(200, failure("User doesn't exist"));
    const { client, sent } = recordingClient({ journal });
    await expect(client.giftProduct({ ...gift, key: 'order-6' })).rejects.toMatchObject({
      code: 'ERR_MARKET_USER_NOT_FOUND',
    });
    await expect(client.giftProduct({ ...gift, key: 'order-6' })).rejects.toMatchObject({
      code: 'ERR_MARKET_USER_NOT_FOUND',
      providerMessage: "User doesn't exist",
      attempts: 0,
    });
    expect(sent).toHaveLength(1);
    expect((await journal.get({ method: 'gift-product', key: 'order-6' }))?.failure).toEqual({
      code: 'ERR_MARKET_USER_NOT_FOUND',
      message: "User doesn't exist",
    });
  });

  it('keeps an operation pending after a transport failure and resumes it with its original id', async () => {
    const journal = await open();
    nock(ORIGIN).post('/api/market/transfer-money').times(2).reply(503, '');
    const { client, sent } = recordingClient({ journal, retries: 1 });
    await expect(
      client.transferMoney({ username: 'a49', amount: 5, key: 'order-7' }),
    ).rejects.toMatchObject({
      code: 'ERR_MARKET_HTTP_5XX',
    });
    expect((await journal.pending()).map((entry) => entry.key)).toEqual(['order-7']);

    nock(ORIGIN).post('/api/market/transfer-money').reply(200, failure('Invalid id.'));
    const reports = await client.resumePending();
    expect(reports).toEqual([
      expect.objectContaining({
        status: 'already-completed',
        key: 'order-7',
        method: 'transfer-money',
      }),
    ]);
    const ids = sent.map((request) => JSON.parse(request.body).id);
    expect(new Set(ids).size).toBe(1);
    expect(ids).toHaveLength(3);
    expect(await journal.pending()).toEqual([]);
    expect((await journal.get({ method: 'transfer-money', key: 'order-7' }))?.completion).toEqual({
      status: 'already-completed',
    });
  });

  it('reports still-pending and failed operations from resumePending', async () => {
    const journal = await open();
    nock(ORIGIN).post('/api/market/give-for-free').times(2).reply(500, '');
    const { client } = recordingClient({ journal, retries: 0 });
    await expect(client.giveForFree({ username: 'a', code: 'X', key: 'k1' })).rejects.toBeDefined();
    await expect(client.giveForFree({ username: 'b', code: 'Y', key: 'k2' })).rejects.toBeDefined();
    nock(ORIGIN)
      .post('/api/market/give-for-free')
      .reply(500, '')
      .post('/api/market/give-for-free')
      .reply(200, failure('invalid item'));
    const reports = await client.resumePending();
    expect(reports.map((report) => [report.key, report.status])).toEqual([
      ['k1', 'still-pending'],
      ['k2', 'failed'],
    ]);
  });

  it('journals a call without a business key under its request id', async () => {
    const journal = await open();
    nock(ORIGIN).post('/api/market/give-for-free').reply(200, ok());
    const { client } = recordingClient({ journal });
    const result = await client.giveForFree({ username: 'darth', code: 'E3yugw', id: 'plain-id' });
    expect((await journal.get({ method: 'give-for-free', key: 'id:"plain-id"' }))?.state).toBe(
      'completed',
    );
    expect(result.key).toBeUndefined();
  });

  it('sends concurrent calls with the same key once', async () => {
    const journal = await open();
    nock(ORIGIN).post('/api/market/gift-product').delay(20).reply(200, ok());
    const { client, sent } = recordingClient({ journal });
    const results = await Promise.all([
      client.giftProduct({ ...gift, key: 'same' }),
      client.giftProduct({ ...gift, key: 'same' }),
    ]);
    expect(sent).toHaveLength(1);
    expect(results[0].id).toBe(results[1].id);
  });
});

describe('resumePending without a journal', () => {
  it('is refused with ERR_INVALID_OPTION', async () => {
    const { client } = recordingClient();
    await expect(client.resumePending()).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
  });
});

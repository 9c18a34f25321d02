import { describe, expect, it } from 'vitest';
import {
  createWebhookHandler,
  type IdJournal,
  isStoreFailure,
  MemoryIdJournal,
  MemoryWebhookDedupStore,
  SqliteStoreError,
  STORE_FAILURE,
} from '../../src/index.js';
import { recordingClient } from '../client/helpers.js';
import { DOCS_PURCHASE, DOCS_SECRET } from '../webhooks/samples.js';

/** A store failure as a store of the toolkit (or of your own) throws it. */
const storeDown = () => new SqliteStoreError('ERR_SQLITE_FULL', 'The disk is full.');

/** A journal whose every write fails as a store that went down does. */
function failingJournal(): IdJournal {
  const journal = new MemoryIdJournal();
  return {
    begin: () => Promise.reject(storeDown()),
    complete: (ref, completion) => journal.complete(ref, completion),
    fail: (ref, failure) => journal.fail(ref, failure),
    get: (ref) => journal.get(ref),
    pending: () => journal.pending(),
  };
}

describe('a store failure', () => {
  it('is recognised through the cause chain, and a mark of your own store counts', () => {
    expect(isStoreFailure(storeDown())).toBe(true);
    expect(isStoreFailure(new Error('order failed', { cause: storeDown() }))).toBe(true);
    expect(isStoreFailure(Object.assign(new Error('dynamo down'), { [STORE_FAILURE]: true }))).toBe(
      true,
    );
    expect(isStoreFailure(new SqliteStoreError('ERR_INVALID_OPTION', 'bad'))).toBe(false);
    expect(isStoreFailure(new Error('bug'))).toBe(false);
  });

  it('fails a journaled money call before anything is sent', async () => {
    const { client, sent } = recordingClient({ journal: failingJournal() });
    await expect(
      client.transferMoney({ key: 'order-1', username: 'darth', amount: 1 }),
    ).rejects.toMatchObject({ code: 'ERR_SQLITE_FULL' });
    expect(sent).toEqual([]);
  });

  it('answers a webhook 503 with Retry-After when the handler hits it, and handles the redelivery', async () => {
    let down = true;
    const handled: number[] = [];
    const handler = createWebhookHandler({
      secret: DOCS_SECRET,
      dedupStore: new MemoryWebhookDedupStore(),
      onError: () => undefined,
      onEvent: async (event) => {
        if (down) throw new Error('could not record the payment', { cause: storeDown() });
        handled.push(event.uniqueId);
      },
    });
    const deliver = () =>
      handler(
        new Request('http://shop.test/webhooks', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: DOCS_PURCHASE,
        }),
      );
    const refused = await deliver();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: 'ERR_WEBHOOK_STORE_UNAVAILABLE' });
    down = false;
    expect((await deliver()).status).toBe(200);
    expect(handled).toHaveLength(1);
  });

  it('answers a webhook 503 with Retry-After when the dedup store itself fails', async () => {
    const handler = createWebhookHandler({
      secret: DOCS_SECRET,
      onError: () => undefined,
      dedupStore: {
        claim: () => Promise.reject(storeDown()),
        complete: () => undefined,
        release: () => undefined,
      },
      onEvent: () => undefined,
    });
    const answer = await handler(
      new Request('http://shop.test/webhooks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: DOCS_PURCHASE,
      }),
    );
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
  });
});

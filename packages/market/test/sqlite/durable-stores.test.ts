import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createWebhookHandler,
  isStoreFailure,
  MarketClient,
  MemoryWebhookDedupStore,
  type WebhookDedupStore,
  type WebhookEvent,
} from '../../src/index.js';
import { translateSqliteError } from '../../src/sqlite/driver.js';
import {
  openSqliteIdJournal,
  openSqliteSingleUseTokenStore,
  openSqliteWebhookDedupStore,
} from '../../src/sqlite/index.js';
import { DOCS_PURCHASE, DOCS_SECRET } from '../webhooks/samples.js';

// What is specific to the SQLite stores; what every store keeps is in ../stores/contracts.test.ts.

const dir = mkdtempSync(join(tmpdir(), 'nl-sqlite-stores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `stores-${files++}.db`);

/** A process's webhook endpoint: its own handler and the store it opened. */
function receiver(store: WebhookDedupStore) {
  const events: WebhookEvent[] = [];
  const handler = createWebhookHandler({
    secret: DOCS_SECRET,
    dedupStore: store,
    onEvent: (event) => void events.push(event),
  });
  const delivery = () =>
    new Request('http://shop.test/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: DOCS_PURCHASE,
    });
  return { events, deliver: async () => (await handler(delivery())).json() };
}

describe('webhook deduplication across a restart', () => {
  it('refuses the replay of a handled webhook after the handler restarts on the same file', async () => {
    const file = newFile();
    const before = await openSqliteWebhookDedupStore(file);
    expect(await receiver(before).deliver()).toEqual({ ok: true });
    before.close();
    const after = await openSqliteWebhookDedupStore(file);
    const restarted = receiver(after);
    expect(await restarted.deliver()).toEqual({ ok: true, duplicate: true });
    expect(restarted.events).toHaveLength(0);
    after.close();
  });

  it('runs a replay again after a restart on the memory store: why production needs a durable one', async () => {
    await receiver(new MemoryWebhookDedupStore()).deliver();
    const restarted = receiver(new MemoryWebhookDedupStore());
    expect(await restarted.deliver()).toEqual({ ok: true });
    expect(restarted.events).toHaveLength(1);
  });
});

describe('one SQLite file for the journal, the dedup store and the token store', () => {
  it('holds all three side by side', async () => {
    const file = newFile();
    const journal = await openSqliteIdJournal(file);
    const dedup = await openSqliteWebhookDedupStore(file);
    const tokens = await openSqliteSingleUseTokenStore(file);
    const client = new MarketClient({
      userId: 1,
      secret: 'secret',
      journal,
      fetch: async () => new Response('{"success":true,"succ":true}'),
    });
    await client.giftProduct({ key: 'order-1', username: 'darth', product: 'cs2', days: 30 });
    expect(dedup.claim('purchase', 7, 60)).toBe('claimed');
    expect(tokens.consume('token-1', Date.now() / 1000 + 60)).toBe(true);
    expect(journal.get({ method: 'gift-product', key: 'order-1' })?.state).toBe('completed');
    for (const store of [journal, dedup, tokens]) store.close();
  });

  it('refuses a table name that is not an identifier, and an unknown driver, with a code', async () => {
    await expect(
      openSqliteWebhookDedupStore(newFile(), { table: 'x; DROP TABLE y' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    await expect(openSqliteIdJournal(newFile(), { table: '1x' })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
    await expect(
      openSqliteIdJournal(newFile(), { driver: 'sqlite3' as 'node:sqlite' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });

  it('refuses a clock that is not a function, with a code', async () => {
    await expect(
      openSqliteSingleUseTokenStore(newFile(), { now: 5 as unknown as () => number }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('"now"'),
    });
  });

  it('closes the file when the store cannot be made in it (a table of another shape)', async () => {
    const file = newFile();
    const journal = await openSqliteIdJournal(file);
    journal.close();
    // The dedup store's index needs a column the journal's table does not have.
    await expect(
      openSqliteWebhookDedupStore(file, { table: 'neverlose_market_journal' }),
    ).rejects.toThrow();
    // The last connection to close checkpoints and removes the WAL: none was left open.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('writes ahead to a WAL file, on whichever driver it picked', async () => {
    const file = newFile();
    const journal = await openSqliteIdJournal(file);
    journal.begin({
      key: 'k',
      requestId: '"r"',
      method: 'gift-product',
      params: '{}',
      fingerprint: 'f',
    });
    expect(existsSync(`${file}-wal`)).toBe(true);
    journal.close();
  });
});

describe("the disk's failures, as coded store failures", () => {
  // better-sqlite3 names the result code; node:sqlite gives its number (extended codes included).
  it.each([
    [{ code: 'SQLITE_FULL', message: 'database or disk is full' }, 'ERR_SQLITE_FULL'],
    [
      { code: 'ERR_SQLITE_ERROR', errcode: 13, message: 'database or disk is full' },
      'ERR_SQLITE_FULL',
    ],
    [
      { code: 'SQLITE_READONLY', message: 'attempt to write a readonly database' },
      'ERR_SQLITE_READ_ONLY',
    ],
    [
      { code: 'ERR_SQLITE_ERROR', errcode: 8 | (1 << 8), message: 'readonly' },
      'ERR_SQLITE_READ_ONLY',
    ],
    [{ code: 'SQLITE_BUSY', message: 'database is locked' }, 'ERR_SQLITE_TIMEOUT'],
    [{ code: 'SQLITE_IOERR_WRITE', message: 'disk I/O error' }, 'ERR_SQLITE_UNAVAILABLE'],
    [
      { code: 'ERR_SQLITE_ERROR', errcode: 10 | (3 << 8), message: 'disk I/O error' },
      'ERR_SQLITE_UNAVAILABLE',
    ],
  ])('translates %o into %s, with the error as its cause', (driverError, code) => {
    const error = translateSqliteError(Object.assign(new Error(driverError.message), driverError));
    expect(error).toMatchObject({
      code,
      cause: expect.objectContaining({ message: driverError.message }),
    });
    expect(isStoreFailure(error)).toBe(true);
  });

  it('leaves an error that is not the disk alone (a journal refusal thrown in a transaction)', () => {
    const refusal = Object.assign(new Error('taken'), { code: 'ERR_JOURNAL_ID_REUSED' });
    expect(translateSqliteError(refusal)).toBe(refusal);
  });

  it('fails a call on a closed store with ERR_SQLITE_UNAVAILABLE', async () => {
    const dedup = await openSqliteWebhookDedupStore(newFile());
    dedup.close();
    expect(() => dedup.claim('purchase', 1, 60)).toThrow(
      expect.objectContaining({ code: 'ERR_SQLITE_UNAVAILABLE' }),
    );
  });
});

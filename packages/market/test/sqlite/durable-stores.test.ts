import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createWebhookHandler,
  MarketClient,
  MemoryDedupStore,
  MemorySingleUseStore,
  type SingleUseTokenStore,
  verifyResellerToken,
  type WebhookDedupStore,
  type WebhookEvent,
} from '../../src/index.js';
import {
  openSqliteDedupStore,
  openSqliteJournal,
  openSqliteSingleUseStore,
} from '../../src/sqlite/index.js';
import { DOCS_PURCHASE, DOCS_SECRET } from '../webhooks/samples.js';

const dir = mkdtempSync(join(tmpdir(), 'nl-sqlite-stores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `stores-${files++}.db`);

const delivery = () =>
  new Request('http://shop.test/webhooks', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: DOCS_PURCHASE,
  });

/** A process's webhook endpoint: its own handler and the store it opened. */
async function receiver(store: WebhookDedupStore) {
  const events: WebhookEvent[] = [];
  const handler = createWebhookHandler({
    secret: DOCS_SECRET,
    dedupStore: store,
    onEvent: (event) => void events.push(event),
  });
  return { events, deliver: async () => (await handler(delivery())).json() };
}

describe('webhook deduplication across a restart', () => {
  it('refuses the replay of a handled webhook after the handler restarts on the same SQLite file', async () => {
    const file = newFile();
    const before = await openSqliteDedupStore(file);
    const first = await receiver(before);
    expect(await first.deliver()).toEqual({ ok: true });
    before.close();

    const after = await openSqliteDedupStore(file);
    const restarted = await receiver(after);
    expect(await restarted.deliver()).toEqual({ ok: true, duplicate: true });
    expect(restarted.events).toHaveLength(0);
    after.close();
  });

  it('runs a replay again after a restart on the memory store: why production needs a durable one', async () => {
    const first = await receiver(new MemoryDedupStore());
    await first.deliver();
    const restarted = await receiver(new MemoryDedupStore());
    expect(await restarted.deliver()).toEqual({ ok: true });
    expect(restarted.events).toHaveLength(1);
  });

  it('lets one of two processes sharing the file claim an event', async () => {
    const file = newFile();
    const [a, b] = [await openSqliteDedupStore(file), await openSqliteDedupStore(file)];
    expect(a.claim('purchase', 1, 60)).toBe('claimed');
    expect(b.claim('purchase', 1, 60)).toBe('processing');
    a.complete('purchase', 1, 60);
    expect(b.claim('purchase', 1, 60)).toBe('done');
    a.close();
    b.close();
  });
});

describe.each([
  ['memory', async (now: () => number) => new MemoryDedupStore(now)],
  ['sqlite', async (now: () => number) => openSqliteDedupStore(newFile(), { now })],
])('%s dedup store', (_name, open) => {
  it('claims, completes, releases and expires events', async () => {
    let now = 1_000_000;
    const store = await open(() => now);
    expect(await store.claim('purchase', 1, 30)).toBe('claimed');
    expect(await store.claim('purchase', 1, 30)).toBe('processing');
    expect(await store.claim('transfer', 1, 30)).toBe('claimed');
    await store.release('purchase', 1);
    expect(await store.claim('purchase', 1, 30)).toBe('claimed');
    await store.complete('purchase', 1, 10);
    expect(await store.claim('purchase', 1, 30)).toBe('done');
    // A release does not undo a completion.
    await store.release('purchase', 1);
    expect(await store.claim('purchase', 1, 30)).toBe('done');
    now += 10_000;
    expect(await store.claim('purchase', 1, 30)).toBe('claimed');
    // A claim whose holder died expires with its lease.
    now += 30_000;
    expect(await store.claim('purchase', 1, 30)).toBe('claimed');
  });
});

const API_KEY = 'reseller-api-key';
const NOW = Math.floor(Date.parse('2024-12-22T20:30:17Z') / 1000);
const token = () =>
  new SignJWT({
    integration_id: 100,
    product: 'cs2',
    cnt: 0,
    days: 30,
    login: 'a47',
    email: 'a@b.c',
    market: false,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('NLRI')
    .setIssuedAt(NOW - 60)
    .setExpirationTime(NOW + 60)
    .sign(new TextEncoder().encode(API_KEY));

describe('single-use tokens across a restart', () => {
  const verify = (checkout: string, store: SingleUseTokenStore) =>
    verifyResellerToken(checkout, API_KEY, {
      integrationId: 100,
      currentDate: new Date(NOW * 1000),
      singleUseStore: store,
    });

  it('refuses a token consumed before the restart', async () => {
    const file = newFile();
    const checkout = await token();
    const before = await openSqliteSingleUseStore(file);
    await expect(verify(checkout, before)).resolves.toMatchObject({ type: 'product' });
    before.close();
    const after = await openSqliteSingleUseStore(file);
    await expect(verify(checkout, after)).rejects.toMatchObject({
      code: 'ERR_RESELLER_TOKEN_REPLAYED',
    });
    after.close();
  });

  it.each([
    ['memory', (now: () => number) => Promise.resolve(new MemorySingleUseStore(now))],
    [
      'sqlite',
      (now: () => number) => openSqliteSingleUseStore(newFile(), { now, synchronous: 'NORMAL' }),
    ],
  ])('%s store remembers a token up to its expiresAt, then may forget it', async (_n, open) => {
    let now = 0;
    const store = await open(() => now);
    const sweepAll = async () => {
      // Enough consumptions of other ids to pass every store's sweep interval.
      for (let i = 0; i < 256; i++) await store.consume(`other-${now}-${i}`, now / 1000 + 1);
    };
    expect(await store.consume('t', 100)).toBe(true);
    now = 100_000; // exactly expiresAt
    await sweepAll();
    expect(await store.consume('t', 100)).toBe(false);
    now = 100_001;
    await sweepAll();
    expect(await store.consume('t', 200)).toBe(true);
  });
});

describe('one SQLite file for the journal, the dedup store and the token store', () => {
  it('holds all three side by side', async () => {
    const file = newFile();
    const journal = await openSqliteJournal(file);
    const dedup = await openSqliteDedupStore(file);
    const tokens = await openSqliteSingleUseStore(file);
    const client = new MarketClient({
      userId: 1,
      secret: 'secret',
      journal,
      fetch: async () => new Response('{"success":true,"succ":true}'),
    });
    await client.giftProduct({ key: 'order-1', username: 'darth', product: 'cs2', days: 30 });
    expect(dedup.claim('purchase', 7, 60)).toBe('claimed');
    expect(tokens.consume('token-1', NOW)).toBe(true);
    expect(journal.get('order-1')?.state).toBe('completed');
    for (const store of [journal, dedup, tokens]) store.close();
  });

  it('refuses a table name that is not an identifier, with a code', async () => {
    await expect(
      openSqliteDedupStore(newFile(), { table: 'x; DROP TABLE y' }),
    ).rejects.toMatchObject({ code: 'ERR_SQLITE_INVALID_OPTIONS' });
    await expect(openSqliteJournal(newFile(), { table: '1x' })).rejects.toMatchObject({
      code: 'ERR_SQLITE_INVALID_OPTIONS',
    });
  });
});

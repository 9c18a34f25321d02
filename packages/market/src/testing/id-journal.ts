import type { IdJournal, JournalEntry, NewJournalEntry } from '../journal/journal.js';
import { declareSuite, failureOf, type StoreTestOptions, type TestRun } from './runner.js';

/** An entry as `MarketClient` writes it, for the method, key and request id given. */
function entry(key: string, requestId: string, method = 'gift-product'): NewJournalEntry {
  const params =
    method === 'transfer-money'
      ? '{"username":"darth","amount":1.5}'
      : '{"username":"darth","product":"cs2","cnt":0}';
  return { key, requestId, method, params, fingerprint: `fp-${method}-${key}` };
}

const ref = (key: string, method = 'gift-product') => ({ key, method });

/**
 * The contract of an {@link IdJournal}, as tests of your runner: what `MarketClient` relies on to
 * send each operation once. Every journal of the toolkit runs it (memory, SQLite on both drivers,
 * Redis, Redis Cluster, PostgreSQL); a journal of your own is ready when it passes too.
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { testIdJournal } from 'neverlose-market/testing';
 *
 * testIdJournal({
 *   name: 'DynamoDB',
 *   test: { describe, it, expect },
 *   open: () => new DynamoIdJournal(client, { table: freshTable() }),
 *   reopen: (journal) => new DynamoIdJournal(otherClient, { table: journal.table }),
 * });
 * ```
 */
export function testIdJournal<Journal extends IdJournal>(options: StoreTestOptions<Journal>): void {
  const { expect } = options.test;
  declareSuite<Journal>(
    'IdJournal contract',
    options,
    {
      'records a new entry as pending, and answers a second begin with the first entry': async (
        run,
      ) => {
        const journal = await run.open();
        const first = await journal.begin(entry('order-1', '"req-1"'));
        expect(first).toMatchObject({
          created: true,
          entry: { ...entry('order-1', '"req-1"'), state: 'pending' },
        });
        expect(typeof first.entry.createdAt).toBe('number');
        const again = await journal.begin(entry('order-1', '"req-2"'));
        expect(again).toMatchObject({ created: false, entry: { requestId: '"req-1"' } });
        expect(await journal.get(ref('order-1'))).toMatchObject({ requestId: '"req-1"' });
      },

      'names an operation by its method and key: one key holds one operation per method': async (
        run,
      ) => {
        const journal = await run.open();
        await journal.begin(entry('order-2', '"gift-2"', 'gift-product'));
        const transfer = await journal.begin(entry('order-2', '"transfer-2"', 'transfer-money'));
        expect(transfer).toMatchObject({ created: true, entry: { requestId: '"transfer-2"' } });
        expect(await journal.get(ref('order-2', 'gift-product'))).toMatchObject({
          requestId: '"gift-2"',
        });
        expect(await journal.get(ref('order-2', 'transfer-money'))).toMatchObject({
          requestId: '"transfer-2"',
        });
        await journal.complete(ref('order-2', 'gift-product'), { status: 'completed' });
        expect((await journal.pending()).map((e) => e.method)).toEqual(['transfer-money']);
      },

      'refuses a request id that belongs to another entry, and creates nothing': async (run) => {
        const journal = await run.open();
        await journal.begin(entry('order-3', '"req-3"'));
        for (const other of [
          entry('order-4', '"req-3"'),
          entry('order-3', '"req-3"', 'transfer-money'),
        ]) {
          expect(await failureOf(() => journal.begin(other))).toMatchObject({
            code: 'ERR_JOURNAL_ID_REUSED',
          });
          expect(await journal.get(ref(other.key, other.method))).toBe(undefined);
        }
      },

      'creates an entry for exactly one of many concurrent begins of one operation': async (
        run,
      ) => {
        const first = await run.open();
        // Two connections where the store can open its storage again, as two instances would.
        const journals = [first, options.reopen === undefined ? first : await run.reopen(first)];
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            journals[i % 2]!.begin(entry('order-5', `"race-${i}"`)),
          ),
        );
        expect(results.filter((r) => r.created).length).toBe(1);
        expect(new Set(results.map((r) => r.entry.requestId)).size).toBe(1);
      },

      'gives every racing begin of one key its entry when they share the id that key derives':
        async (run) => {
          // MarketClient derives a key's request id, so instances racing on a key insert the same
          // method, key and id: a loser reads the winner's entry whichever uniqueness it met first.
          const first = await run.open();
          const journals = [first, options.reopen === undefined ? first : await run.reopen(first)];
          for (let round = 0; round < 20; round += 1) {
            const results = await Promise.all(
              Array.from({ length: 8 }, (_, i) =>
                journals[i % 2]!.begin(entry(`order-${round}`, `"order-${round}"`)),
              ),
            );
            expect(results.filter((r) => r.created).length).toBe(1);
            for (const r of results) expect(r.entry.requestId).toBe(`"order-${round}"`);
          }
        },

      'lists pending entries oldest first, and changes an entry only while it is pending': async (
        run,
      ) => {
        const journal = await run.open();
        for (const [key, id] of [
          ['a', '"1"'],
          ['b', '"2"'],
          ['c', '"3"'],
        ] as const) {
          await journal.begin(entry(key, id));
          await pause(2);
        }
        expect((await journal.pending()).map((e) => e.key)).toEqual(['a', 'b', 'c']);
        await journal.complete(ref('b'), { status: 'completed', reply: { success: true, n: 2 } });
        await journal.fail(ref('c'), {
          code: 'ERR_MARKET_USER_NOT_FOUND',
          message: "User doesn't exist",
        });
        // A settled entry never changes again.
        await journal.complete(ref('c'), { status: 'completed' });
        await journal.fail(ref('b'), { code: 'ERR_MARKET_API', message: 'late' });
        expect((await journal.pending()).map((e) => e.key)).toEqual(['a']);
        expect(await journal.get(ref('b'))).toMatchObject({
          state: 'completed',
          completion: { status: 'completed', reply: { success: true, n: 2 } },
        });
        expect(await journal.get(ref('c'))).toMatchObject({
          state: 'failed',
          failure: { code: 'ERR_MARKET_USER_NOT_FOUND', message: "User doesn't exist" },
        });
        expect((await journal.begin(entry('b', '"other"'))).entry.state).toBe('completed');
      },

      'refuses to settle an operation it never began, and knows nothing of it': async (run) => {
        const journal = await run.open();
        await journal.begin(entry('order-6', '"req-6"'));
        expect(
          await failureOf(() => journal.complete(ref('missing'), { status: 'completed' })),
        ).toMatchObject({ code: 'ERR_JOURNAL_UNKNOWN_KEY' });
        expect(
          await failureOf(() =>
            journal.fail(ref('order-6', 'transfer-money'), { code: 'X', message: 'x' }),
          ),
        ).toMatchObject({ code: 'ERR_JOURNAL_UNKNOWN_KEY' });
        expect(await journal.get(ref('missing'))).toBe(undefined);
        expect((await journal.get(ref('order-6')))?.state).toBe('pending');
      },

      'keeps keys and parameters as written: any text, nothing trimmed': async (run) => {
        const journal = await run.open();
        const odd = {
          ...entry('order:7 {x} é\u{1F600}', '"req-7"'),
          params: '{"username":"a b","amount":0.1}',
        };
        await journal.begin(odd);
        expect(await journal.get(ref(odd.key))).toMatchObject({
          key: odd.key,
          params: odd.params,
          fingerprint: odd.fingerprint,
        });
        expect((await journal.pending()).map((e: JournalEntry) => e.key)).toEqual([odd.key]);
      },
    },
    {
      'keeps every entry and its state across a restart': async (run: TestRun<Journal>) => {
        const before = await run.open();
        await before.begin(entry('order-8', '"req-8"'));
        await before.begin(entry('order-9', '"req-9"'));
        await before.complete(ref('order-9'), { status: 'already-completed' });
        const after = await run.reopen(before);
        expect((await after.pending()).map((e) => [e.key, e.requestId])).toEqual([
          ['order-8', '"req-8"'],
        ]);
        expect(await after.get(ref('order-9'))).toMatchObject({
          state: 'completed',
          completion: { status: 'already-completed' },
        });
        expect(await after.begin(entry('order-8', '"req-other"'))).toMatchObject({
          created: false,
          entry: { requestId: '"req-8"' },
        });
      },
    },
  );
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import type { WebhookDedupStore } from '../webhooks/webhook-dedup-store.js';
import { declareSuite, type StoreTestOptions } from './runner.js';

/**
 * The contract of a {@link WebhookDedupStore}, as tests of your runner: what the webhook handlers
 * rely on to run a redelivered event's handler once. Every dedup store of the toolkit runs it; a
 * store of your own is ready when it passes too.
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { testWebhookDedupStore } from 'neverlose-market/testing';
 *
 * testWebhookDedupStore({
 *   name: 'DynamoDB',
 *   test: { describe, it, expect },
 *   open: ({ now }) => new DynamoDedupStore(client, { table: freshTable(), now }),
 * });
 * ```
 */
export function testWebhookDedupStore<Store extends WebhookDedupStore>(
  options: StoreTestOptions<Store>,
): void {
  const { expect } = options.test;
  declareSuite<Store>(
    'WebhookDedupStore contract',
    options,
    {
      'claims a free event, reports a claimed one as processing and a completed one as done':
        async (run) => {
          const store = await run.open();
          expect(await store.claim('purchase', 7, 60)).toBe('claimed');
          expect(await store.claim('purchase', 7, 60)).toBe('processing');
          expect(await store.claim('transfer', 7, 60)).toBe('claimed');
          expect(await store.claim('purchase', 8, 60)).toBe('claimed');
          await store.complete('purchase', 7, 3600);
          expect(await store.claim('purchase', 7, 60)).toBe('done');
          expect(await store.claim('transfer', 7, 60)).toBe('processing');
        },

      'lets exactly one of many concurrent deliveries claim an event': async (run) => {
        const first = await run.open();
        const stores = [first, options.reopen === undefined ? first : await run.reopen(first)];
        const claims = await Promise.all(
          Array.from({ length: 30 }, (_, i) => stores[i % 2]!.claim('transfer', 22, 60)),
        );
        expect(claims.filter((claim) => claim === 'claimed').length).toBe(1);
        expect(claims.filter((claim) => claim === 'processing').length).toBe(29);
      },

      'frees a released claim for a redelivery, but never a done record': async (run) => {
        const store = await run.open();
        await store.claim('purchase', 9, 60);
        await store.release('purchase', 9);
        expect(await store.claim('purchase', 9, 60)).toBe('claimed');
        await store.complete('purchase', 9, 3600);
        await store.release('purchase', 9);
        expect(await store.claim('purchase', 9, 60)).toBe('done');
      },

      'frees a claim whose lease ended (its holder died), and remembers done within its TTL':
        async (run) => {
          const store = await run.open();
          expect(await store.claim('purchase', 10, 1)).toBe('claimed');
          expect(await store.claim('purchase', 10, 1)).toBe('processing');
          await run.advance(1100);
          expect(await store.claim('purchase', 10, 1)).toBe('claimed');
          await store.complete('purchase', 10, 3600);
          await run.advance(1100);
          expect(await store.claim('purchase', 10, 1)).toBe('done');
        },
    },
    {
      'remembers a handled event across a restart': async (run) => {
        const before = await run.open();
        await before.claim('purchase', 11, 60);
        await before.complete('purchase', 11, 3600);
        await before.claim('transfer', 11, 60);
        const after = await run.reopen(before);
        expect(await after.claim('purchase', 11, 60)).toBe('done');
        expect(await after.claim('transfer', 11, 60)).toBe('processing');
      },
    },
  );
}

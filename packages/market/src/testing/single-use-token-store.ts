import type { SingleUseTokenStore } from '../reseller/single-use-token-store.js';
import { declareSuite, type StoreTestOptions } from './runner.js';

/** A token id as `verifyResellerToken` passes it: 64 hex characters. */
const tokenId = (n: number) => n.toString(16).padStart(64, '0');

/**
 * The contract of a {@link SingleUseTokenStore}, as tests of your runner: what
 * `verifyResellerToken` relies on to fulfil a checkout token once. Every token store of the
 * toolkit runs it; a store of your own is ready when it passes too.
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { testSingleUseTokenStore } from 'neverlose-market/testing';
 *
 * testSingleUseTokenStore({
 *   name: 'DynamoDB',
 *   test: { describe, it, expect },
 *   open: ({ now }) => new DynamoTokenStore(client, { table: freshTable(), now }),
 * });
 * ```
 */
export function testSingleUseTokenStore<Store extends SingleUseTokenStore>(
  options: StoreTestOptions<Store>,
): void {
  const { expect } = options.test;
  declareSuite<Store>(
    'SingleUseTokenStore contract',
    options,
    {
      'consumes a token once, and each token on its own': async (run) => {
        const store = await run.open();
        const expiresAt = run.context.now() / 1000 + 600;
        expect(await store.consume(tokenId(1), expiresAt)).toBe(true);
        expect(await store.consume(tokenId(1), expiresAt)).toBe(false);
        expect(await store.consume(tokenId(2), expiresAt)).toBe(true);
      },

      'lets exactly one of many concurrent consumers have a token': async (run) => {
        const first = await run.open();
        const stores = [first, options.reopen === undefined ? first : await run.reopen(first)];
        const expiresAt = run.context.now() / 1000 + 600;
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => stores[i % 2]!.consume(tokenId(3), expiresAt)),
        );
        expect(results.filter(Boolean).length).toBe(1);
      },

      'remembers a token up to the last instant a verifier accepts it, however many come after':
        async (run) => {
          const store = await run.open();
          const expiresAt = Math.floor(run.context.now() / 1000) + 30;
          expect(await store.consume(tokenId(4), expiresAt)).toBe(true);
          // To exactly expiresAt (a store on its own clock is not moved: it cannot be).
          if (options.realClock !== true) await run.advance(expiresAt * 1000 - run.context.now());
          // Others come and go (a store may forget expired tokens as it writes).
          await Promise.all(
            Array.from({ length: 300 }, (_, n) =>
              store.consume(tokenId(1000 + n), run.context.now() / 1000 - 1),
            ),
          );
          expect(await store.consume(tokenId(4), expiresAt)).toBe(false);
        },
    },
    {
      'remembers a consumed token across a restart': async (run) => {
        const before = await run.open();
        const expiresAt = run.context.now() / 1000 + 600;
        await before.consume(tokenId(5), expiresAt);
        const after = await run.reopen(before);
        expect(await after.consume(tokenId(5), expiresAt)).toBe(false);
      },
    },
  );
}

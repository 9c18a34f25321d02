import { randomTokens } from '../lib/web-crypto.js';
import type { TransactionStore } from '../transaction/store.js';
import type { AuthorizationTransaction } from '../transaction/transaction.js';
import { declareSuite, type StoreTestOptions } from './runner.js';

/** A browser binding as `startAuthorization` returns it: 43 random base64url characters. */
function binding(): string {
  return randomTokens(1)[0]!;
}

/** A transaction as `startAuthorization` makes it, created at `now`, alive for `ttl`. */
function transaction(
  now: number,
  fields: Partial<AuthorizationTransaction> = {},
  ttl = 600_000,
): AuthorizationTransaction {
  const id = binding();
  return {
    v: 1,
    state: `state-${id}`,
    codeVerifier: `verifier-${id}`,
    nonce: `nonce-${id}`,
    issuer: 'https://neverlose.cc',
    clientId: 'app',
    redirectUri: 'https://app.example/auth/neverlose/callback',
    scope: 'openid profile',
    createdAt: now,
    expiresAt: now + ttl,
    bindingHash: `hash-${id}`,
    ...fields,
  };
}

/** The transaction without its `state`, as a login with the `no_state` scope keeps it. */
function withoutState(tx: AuthorizationTransaction): AuthorizationTransaction {
  const { state: _state, ...rest } = tx;
  return rest;
}

/**
 * The contract of a {@link TransactionStore}, as tests of your runner: what the OIDC client, its
 * adapters and passport-neverlose rely on between `startAuthorization` and the callback. A login
 * is returned once (a replayed callback finds nothing), only to the browser binding it was kept
 * under (a callback URL carried to another browser finds nothing and leaves the login in place:
 * login CSRF, RFC 9700 §4.7), whole, and not after its TTL. Every transaction store of the toolkit
 * runs it (memory, Redis, Redis Cluster, PostgreSQL); a store of your own is ready when it passes
 * too.
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { testTransactionStore } from 'neverlose-oidc/testing';
 *
 * testTransactionStore({
 *   name: 'DynamoDB',
 *   test: { describe, it, expect },
 *   open: ({ now }) => new DynamoTransactionStore(client, { table: freshTable(), now }),
 *   reopen: (store, { now }) => new DynamoTransactionStore(otherClient, { table: store.table, now }),
 * });
 * ```
 */
export function testTransactionStore<Store extends TransactionStore>(
  options: StoreTestOptions<Store>,
): void {
  const { expect } = options.test;
  declareSuite<Store>(
    'TransactionStore contract',
    options,
    {
      'returns a transaction once, whole, to the binding it was kept under': async (run) => {
        const store = await run.open();
        const browser = binding();
        const tx = transaction(run.context.now(), { returnTo: '/orders?id=7#top' });
        await store.set(browser, tx, 600_000);
        expect(await store.take(browser)).toEqual(tx);
        expect(await store.take(browser)).toBe(undefined);
      },

      'gives another binding nothing, and keeps the login for its own': async (run) => {
        const store = await run.open();
        const [victim, attacker] = [binding(), binding()];
        const tx = transaction(run.context.now());
        await store.set(attacker, tx, 600_000);
        // The attacker's callback URL opened in the victim's browser: another binding.
        expect(await store.take(victim)).toBe(undefined);
        expect(await store.take(attacker)).toEqual(tx);
      },

      'keeps logins apart by binding, with and without state (the no_state scope)': async (run) => {
        const store = await run.open();
        const tabs = [binding(), binding(), binding()];
        const now = run.context.now();
        const [one, two, three] = [
          withoutState(transaction(now, { returnTo: '/one' })),
          withoutState(transaction(now, { returnTo: '/two' })),
          transaction(now, { returnTo: '/three' }),
        ];
        await store.set(tabs[0]!, one, 600_000);
        await store.set(tabs[1]!, two, 600_000);
        await store.set(tabs[2]!, three, 600_000);
        expect(await store.take(tabs[1]!)).toEqual(two);
        expect(await store.take(tabs[2]!)).toEqual(three);
        expect(await store.take(tabs[0]!)).toEqual(one);
      },

      'keeps the transaction as written: non-ASCII, quotes and control characters': async (run) => {
        const store = await run.open();
        const browser = binding();
        const tx = transaction(run.context.now(), {
          returnTo: '/магазин/ключ?q=é"\'\\\u{1F511}&x=%00',
          scope: 'openid profile no_state',
          issuer: 'https://neverlose.cc/ünïcode',
          nonce: 'line\nbreak\ttab\u2028',
        });
        await store.set(browser, tx, 600_000);
        expect(await store.take(browser)).toEqual(tx);
      },

      'holds the newer transaction when a binding is set again, once': async (run) => {
        const store = await run.open();
        const browser = binding();
        const now = run.context.now();
        await store.set(browser, transaction(now, { returnTo: '/first' }), 600_000);
        const second = transaction(now, { returnTo: '/second' });
        await store.set(browser, second, 600_000);
        expect(await store.take(browser)).toEqual(second);
        expect(await store.take(browser)).toBe(undefined);
      },

      'gives a transaction to exactly one of many concurrent takes across instances': async (
        run,
      ) => {
        const first = await run.open();
        // Two connections where the store can open its storage again, as two instances would.
        const stores = [first, options.reopen === undefined ? first : await run.reopen(first)];
        const browser = binding();
        const tx = transaction(run.context.now());
        await stores[1]!.set(browser, tx, 600_000);
        const taken = await Promise.all(
          Array.from({ length: 20 }, (_, i) => stores[i % 2]!.take(browser)),
        );
        expect(taken.filter((t) => t !== undefined)).toEqual([tx]);
      },

      'keeps a transaction for its TTL, and returns nothing after': async (run) => {
        const store = await run.open();
        const [kept, expired] = [binding(), binding()];
        // A store on its own clock is given a wider margin: the take must come before it expires.
        const ttl = options.realClock === true ? 1000 : 300;
        const tx = transaction(run.context.now(), {}, ttl);
        await store.set(kept, tx, ttl);
        await store.set(expired, transaction(run.context.now(), {}, ttl), ttl);
        // Just before it expires (a store on its own clock is not moved: it cannot be).
        if (options.realClock !== true) await run.advance(ttl - 1);
        expect(await store.take(kept)).toEqual(tx);
        await run.advance(options.realClock === true ? ttl : 1);
        expect(await store.take(expired)).toBe(undefined);
      },
    },
    {
      'lets a login started before a restart complete after it': async (run) => {
        const before = await run.open();
        const browser = binding();
        const tx = transaction(run.context.now());
        await before.set(browser, tx, 600_000);
        const after = await run.reopen(before);
        expect(await after.take(browser)).toEqual(tx);
        expect(await before.take(browser)).toBe(undefined);
      },
    },
  );
}

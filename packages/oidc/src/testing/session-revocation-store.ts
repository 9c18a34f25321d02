import type { SessionRevocationStore } from '../adapters/shared/session-revocation-store.js';
import { randomTokens } from '../lib/web-crypto.js';
import { declareSuite, type StoreTestOptions } from './runner.js';

/** A session id as the Hono middleware makes it: random base64url. */
function sessionId(): string {
  return randomTokens(1)[0]!;
}

/** A session's lifetime in these tests: it was sealed a minute ago and has an hour to live. */
const LIFETIME = { sealedAgo: 60_000, left: 3_600_000 };

/**
 * The contract of a {@link SessionRevocationStore}, as tests of your runner: what the Hono
 * middleware's sign-out relies on so that a copy of a sealed session taken before sign-out stops
 * working, on every instance. A revoked session is refused by every instance sharing the store
 * until the session would have expired, and the record goes some time after (the store does not
 * grow with sign-outs); revoking is idempotent; a session never revoked opens. Every revocation store of the
 * toolkit runs it (memory, Redis, Redis Cluster, PostgreSQL); a store of your own is ready when it
 * passes too.
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { testSessionRevocationStore } from 'neverlose-oidc/testing';
 *
 * testSessionRevocationStore({
 *   name: 'DynamoDB',
 *   test: { describe, it, expect },
 *   open: ({ now }) => new DynamoRevocations(client, { table: freshTable(), now }),
 *   reopen: (store, { now }) => new DynamoRevocations(otherClient, { table: store.table, now }),
 * });
 * ```
 */
export function testSessionRevocationStore<Store extends SessionRevocationStore>(
  options: StoreTestOptions<Store>,
): void {
  const { expect } = options.test;
  declareSuite<Store>(
    'SessionRevocationStore contract',
    options,
    {
      'opens a session nobody revoked, whatever its id': async (run) => {
        const store = await run.open();
        const issuedAt = run.context.now() - LIFETIME.sealedAgo;
        for (const id of [sessionId(), 'unknown', 'ключ:é\u{1F511}', 'a'.repeat(256)]) {
          expect(await store.isRevoked(id, issuedAt)).toBe(false);
        }
      },

      'refuses a revoked session on every instance, and only that session': async (run) => {
        const first = await run.open();
        // A second instance where the store can open its storage again.
        const second = options.reopen === undefined ? first : await run.reopen(first);
        const now = run.context.now();
        const [revoked, other] = [sessionId(), sessionId()];
        await first.revoke(revoked, now + LIFETIME.left);
        expect(await second.isRevoked(revoked, now - LIFETIME.sealedAgo)).toBe(true);
        expect(await first.isRevoked(revoked, now - LIFETIME.sealedAgo)).toBe(true);
        expect(await second.isRevoked(other, now - LIFETIME.sealedAgo)).toBe(false);
      },

      'takes any session id as written: non-ASCII and separators are not confused': async (run) => {
        const store = await run.open();
        const now = run.context.now();
        await store.revoke('ключ:é\u{1F511}', now + LIFETIME.left);
        expect(await store.isRevoked('ключ:é\u{1F511}', now)).toBe(true);
        for (const near of ['ключ:е\u{1F511}', 'ключ', 'ключ:é', 'КЛЮЧ:é\u{1F511}']) {
          expect(await store.isRevoked(near, now)).toBe(false);
        }
      },

      'revokes idempotently: again, or racing on several instances, the session stays refused':
        async (run) => {
          const first = await run.open();
          const stores = [first, options.reopen === undefined ? first : await run.reopen(first)];
          const now = run.context.now();
          const id = sessionId();
          await Promise.all(
            Array.from({ length: 10 }, (_, i) => stores[i % 2]!.revoke(id, now + LIFETIME.left)),
          );
          // A later sign-out naming an earlier expiry does not end the revocation sooner.
          await stores[0]!.revoke(id, now + 1000);
          if (options.realClock !== true) await run.advance(2000);
          expect(await stores[1]!.isRevoked(id, now - LIFETIME.sealedAgo)).toBe(true);
        },

      'refuses a revoked session until it expires, and lets the record go within an hour after':
        async (run) => {
          const store = await run.open();
          // A store on its own clock is given a wider margin, from the real time.
          const now = options.realClock === true ? Date.now() : run.context.now();
          const left = options.realClock === true ? 1000 : 300;
          const id = sessionId();
          await store.revoke(id, now + left);
          // Just before it expires (a store on its own clock is not moved: it cannot be).
          if (options.realClock !== true) await run.advance(left - 1);
          expect(await store.isRevoked(id, now - LIFETIME.sealedAgo)).toBe(true);
          // The session has expired: a store may keep the record a while for instances whose
          // clocks run late, not for ever (a store on its own clock proves it in its own tests).
          if (options.realClock === true) return;
          await run.advance(3_600_000);
          expect(await store.isRevoked(id, now - LIFETIME.sealedAgo)).toBe(false);
        },

      'accepts the sign-out of a session that has already expired': async (run) => {
        const store = await run.open();
        const now = run.context.now();
        const id = sessionId();
        await store.revoke(id, now - 1);
        // And keeps no record of it for long (on its own clock, the store's own tests prove it).
        if (options.realClock === true) return;
        await run.advance(3_600_000);
        expect(await store.isRevoked(id, now - LIFETIME.sealedAgo)).toBe(false);
      },
    },
    {
      'refuses a revoked session after a restart': async (run) => {
        const before = await run.open();
        const now = run.context.now();
        const id = sessionId();
        await before.revoke(id, now + LIFETIME.left);
        const after = await run.reopen(before);
        expect(await after.isRevoked(id, now - LIFETIME.sealedAgo)).toBe(true);
      },
    },
  );
}

// The checks the Redis and PostgreSQL surfaces share: a webhook dedup store and a market id
// journal, and the OIDC transaction and session revocation stores, of one package, against the
// run's server, each key new to the server. The OIDC stores are driven by real logins at the
// emulator, so the login's guarantees (state, PKCE, nonce, browser binding) are proven through them.
import { cookiesOf } from '@neverlose-toolkit/test-support/cookies';
import { Hono } from 'hono';
import { MarketClient } from 'neverlose-market/client';
import type { IdJournal } from 'neverlose-market/journal';
import type { WebhookDedupStore } from 'neverlose-market/webhooks';
import type { SessionRevocationStore, TransactionStore } from 'neverlose-oidc';
import { type NeverloseEnv, neverloseAuth, requireNeverloseUser } from 'neverlose-oidc/hono';
import { signInAtEmulator } from '../../support/sign-in.js';
import { assert, type Check, type RuntimeContext } from '../harness.js';
import { oidcClientFor } from './oidc-client.js';

/** The market stores of one package, on a connection this surface opened. */
export interface Stores {
  readonly dedup: WebhookDedupStore;
  readonly journal: IdJournal;
  /** Closes the connection. */
  close(): Promise<unknown>;
}

/** The OIDC stores of one package (the Redis and PostgreSQL ones), on a connection this surface opened. */
export interface OidcStores {
  /** Logins in flight, shared by instances. */
  readonly transactions: TransactionStore;
  /** Signed-out sessions, shared by instances. */
  readonly revocations: SessionRevocationStore;
  /** Closes the connection. */
  close(): Promise<unknown>;
}

/** A check that runs on the stores `open` returns, opened for it and closed after it. */
function withStores<S extends { close(): Promise<unknown> }>(
  open: (context: RuntimeContext) => Promise<S>,
  run: (stores: S, c: RuntimeContext) => Promise<void>,
): (c: RuntimeContext) => Promise<void> {
  return async (c) => {
    const stores = await open(c);
    try {
      await run(stores, c);
    } finally {
      await stores.close();
    }
  };
}

/** Declares the shared checks on the market stores `open` returns. */
export function storeChecks(
  check: (name: string, run: Check) => void,
  open: (context: RuntimeContext) => Promise<Stores>,
): void {
  check(
    'claims a webhook event once, then remembers it done',
    withStores(open, async ({ dedup }) => {
      const uniqueId = crypto.getRandomValues(new Uint32Array(1))[0]!;
      assert.equal(await dedup.claim('purchase', uniqueId, 60), 'claimed', 'the first claim');
      assert.equal(await dedup.claim('purchase', uniqueId, 60), 'processing', 'a claim while held');
      await dedup.complete('purchase', uniqueId, 3600);
      assert.equal(await dedup.claim('purchase', uniqueId, 60), 'done', 'a claim once completed');
    }),
  );

  check(
    'journals a transfer at the emulator: one request id for its key, completed, answered from it',
    withStores(open, async ({ journal }, c) => {
      const market = new MarketClient({
        userId: c.emulator.resellerUserId,
        secret: c.emulator.resellerKey,
        baseUrl: `${c.emulator.url}/api/market`,
        retries: 0,
        journal,
      });
      const order = {
        key: `runtime-matrix-${crypto.randomUUID()}`,
        username: 'alice',
        amount: '0.01',
      };
      const first = await market.transferMoney(order);
      assert.fields(first, { status: 'completed', fromJournal: false }, 'the transfer');
      assert.fields(
        await journal.get({ method: 'transfer-money', key: order.key }),
        { state: 'completed', requestId: JSON.stringify(first.id) },
        'the journal entry',
      );
      const again = await market.transferMoney(order);
      assert.fields(again, { status: 'completed', fromJournal: true, attempts: 0 }, 'a repeat');
      assert.equal(again.id, first.id, 'the repeat’s request id');
    }),
  );
}

/**
 * Declares the shared checks on the OIDC stores `open` returns, through logins at the emulator.
 * Each check opens the stores twice, as two instances of an app would, each on its own connection.
 */
export function oidcStoreChecks(
  check: (name: string, run: Check) => void,
  open: (context: RuntimeContext) => Promise<OidcStores>,
): void {
  check(
    'completes on B a login started on A through the transaction store: found by its browser only, taken once',
    withTwoInstances(open, async ([{ transactions: onA }, { transactions }], c) => {
      const client = await oidcClientFor(c);
      const { url, transaction, binding } = await client.startAuthorization({
        returnTo: '/orders',
      });
      await onA.set(binding, transaction, client.transactionTtl);
      const other = await client.startAuthorization();
      assert.equal(await transactions.take(other.binding), undefined, 'another browser’s take');
      const callback = await signInAtEmulator(url.toString(), 'alice', 'allow');
      const taken = await transactions.take(binding);
      assert.ok(taken !== undefined, 'the transaction taken by the browser that started it');
      const result = await client.completeAuthorization(callback, taken, binding);
      assert.fields(result.profile, { email: 'alice@example.test' }, 'profile');
      assert.equal(result.returnTo, '/orders', 'returnTo');
      const again = await transactions.take(binding);
      assert.equal(again, undefined, 'a second take');
      await assert.refuses(
        () => client.completeAuthorization(callback, again, binding),
        'ERR_TRANSACTION_MISSING',
        'the callback replayed',
      );
    }),
  );

  check(
    'refuses on B a session signed out on A through the revocation store (Hono), opens another',
    withTwoInstances(open, async (stores, c) => {
      const client = await oidcClientFor(c);
      const redirect = new URL(c.emulator.redirectUri);
      const secret = crypto.getRandomValues(new Uint8Array(32));
      /** One instance of a Hono app, on its own connection to the store. */
      const instance = ({ revocations }: OidcStores) => {
        const app = new Hono<NeverloseEnv>();
        app.use(
          neverloseAuth({
            client,
            secret,
            publicUrl: redirect.origin,
            callbackPath: redirect.pathname,
            sessionRevocations: revocations,
          }),
        );
        app.get('/me', requireNeverloseUser(), (h) => h.json({ csrf: h.var.neverloseCsrfToken }));
        return app;
      };
      const [a, b] = [instance(stores[0]), instance(stores[1])];
      const origin = redirect.origin;
      const signIn = async () => {
        const start = await a.request(`${origin}/auth/neverlose`);
        const location = start.headers.get('location');
        assert.ok(location, 'the login’s redirect to the emulator');
        const callback = await signInAtEmulator(location, 'alice', 'allow');
        return cookiesOf(await a.request(callback, { headers: { cookie: cookiesOf(start) } }));
      };
      const me = (app: typeof a, cookie: string) =>
        app.request(`${origin}/me`, { headers: { cookie } });
      const [signedOut, kept] = [await signIn(), await signIn()];
      assert.equal((await me(b, signedOut)).status, 200, 'the session on B before sign-out');
      const { csrf } = (await (await me(a, signedOut)).json()) as { csrf: string };
      const out = await a.request(`${origin}/auth/neverlose/logout`, {
        method: 'POST',
        headers: { cookie: signedOut, 'content-type': 'application/x-www-form-urlencoded' },
        body: `csrf=${encodeURIComponent(csrf)}`,
      });
      assert.equal(out.status, 303, 'the sign-out on A');
      assert.equal((await me(a, signedOut)).status, 302, 'the signed-out session on A');
      assert.equal((await me(b, signedOut)).status, 302, 'the signed-out session on B');
      assert.equal((await me(b, kept)).status, 200, 'a session not signed out, on B');
    }),
  );
}

/** A check on two openings of the stores (instances A and B), closed after it. */
function withTwoInstances(
  open: (context: RuntimeContext) => Promise<OidcStores>,
  run: (stores: readonly [OidcStores, OidcStores], c: RuntimeContext) => Promise<void>,
): Check {
  return withStores(open, (a, c) => withStores(open, (b) => run([a, b], c))(c));
}

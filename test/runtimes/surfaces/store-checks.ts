// The checks the Redis and PostgreSQL surfaces share: a webhook dedup store and a market id
// journal of one package, against the run's server, each key new to the server.
import { MarketClient } from 'neverlose-market/client';
import type { IdJournal } from 'neverlose-market/journal';
import type { WebhookDedupStore } from 'neverlose-market/webhooks';
import { assert, type Check, type RuntimeContext } from '../harness.js';

/** The stores of one package, on a connection this surface opened. */
export interface Stores {
  readonly dedup: WebhookDedupStore;
  readonly journal: IdJournal;
  /** Closes the connection. */
  close(): Promise<unknown>;
}

/** Declares the shared checks on the stores `open` returns (opened and closed by each check). */
export function storeChecks(
  check: (name: string, run: Check) => void,
  open: (context: RuntimeContext) => Promise<Stores>,
): void {
  const withStores =
    (run: (stores: Stores, c: RuntimeContext) => Promise<void>) => async (c: RuntimeContext) => {
      const stores = await open(c);
      try {
        await run(stores, c);
      } finally {
        await stores.close();
      }
    };

  check(
    'claims a webhook event once, then remembers it done',
    withStores(async ({ dedup }) => {
      const uniqueId = crypto.getRandomValues(new Uint32Array(1))[0]!;
      assert.equal(await dedup.claim('purchase', uniqueId, 60), 'claimed', 'the first claim');
      assert.equal(await dedup.claim('purchase', uniqueId, 60), 'processing', 'a claim while held');
      await dedup.complete('purchase', uniqueId, 3600);
      assert.equal(await dedup.claim('purchase', uniqueId, 60), 'done', 'a claim once completed');
    }),
  );

  check(
    'journals a transfer at the emulator: one request id for its key, completed, answered from it',
    withStores(async ({ journal }, c) => {
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

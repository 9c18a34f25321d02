import { createServer } from 'node:http';
import { openSqliteDedupStore } from 'neverlose-market/sqlite';
import { createNodeWebhookHandler, verifyWebhook } from 'neverlose-market/webhooks';

declare function grant(username: string, itemId: string): Promise<void>;
declare function credit(username: string, amountText: string): Promise<void>;

// #region readme
// A typed event, only when the signature matches and the fields are exactly those of its kind.
const event = verifyWebhook(rawBody, [apiKey, process.env.NEVERLOSE_OLD_API_KEY ?? apiKey]);

// Or a whole handler: 405, 415, 413, 400, 401, 500, 503, and 200 (once per kind + unique_id).
createServer(
  createNodeWebhookHandler({
    secret: apiKey,
    // Handled events survive a restart: a replayed webhook does not run its handler again.
    dedupStore: await openSqliteDedupStore('market.db'),
    // Make it idempotent on kind + uniqueId too (a unique index on your records).
    onEvent: async (event) => {
      if (event.kind === 'purchase') await grant(event.username, event.itemId);
      else await credit(event.username, event.amountText);
    },
  }),
).listen(8080);

// #endregion

export { event };

// A webhook receiver: POST /webhooks, verified on the raw body, handled once per kind + unique_id.
import { createServer } from 'node:http';
import { openSqliteWebhookDedupStore } from 'neverlose-market/sqlite';
import { createNodeWebhookHandler } from 'neverlose-market/webhooks';

const apiKey = process.env.NEVERLOSE_API_KEY;
if (!apiKey) throw new Error('Set NEVERLOSE_API_KEY to your market API key.');

const handleWebhook = createNodeWebhookHandler({
  // During a key rotation, give both: [apiKey, oldApiKey].
  secret: apiKey,
  // Handled events survive a restart: a replayed webhook does not run onEvent again.
  dedupStore: await openSqliteWebhookDedupStore('market.db'),
  // Make it idempotent on kind + uniqueId too (a unique index on your records).
  onEvent: (event) => {
    if (event.kind === 'purchase') {
      console.log(`${event.username} bought ${event.itemId} (unique_id ${event.uniqueId})`);
    } else {
      console.log(`${event.username} sent ${event.amountText} NLE (unique_id ${event.uniqueId})`);
    }
  },
});

const port = Number(process.env.PORT ?? 3000);
createServer((req, res) => {
  if (req.url === '/webhooks') return void handleWebhook(req, res);
  res.writeHead(404).end();
}).listen(port, () => console.log(`Webhooks: POST http://127.0.0.1:${port}/webhooks`));

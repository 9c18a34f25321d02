// What the client and the webhook handler do, as typed events: npx tsx observability.ts
import { subscribe } from 'node:diagnostics_channel';
import { MarketClient } from 'neverlose-market/client';
import { createNodeWebhookHandler } from 'neverlose-market/webhooks';

const apiKey = process.env.NEVERLOSE_API_KEY;
if (!apiKey) throw new Error('Set NEVERLOSE_API_KEY to your market API key.');

// Every request, response, retry and journal step of the client (the API key is never in one;
// request bodies show "signature":"[redacted]").
const client = new MarketClient({
  userId: Number(process.env.NEVERLOSE_USER_ID),
  secret: apiKey,
  baseUrl: process.env.NEVERLOSE_MARKET_URL, // unset: the production API
  onDiagnostic: (diagnostic) => {
    if (diagnostic.type === 'market:retry')
      console.warn(`market ${diagnostic.method} retried`, diagnostic);
    if (diagnostic.type === 'market:response')
      console.log(
        `market ${diagnostic.method} ${diagnostic.outcome} in ${diagnostic.durationMs} ms`,
      );
  },
});

// Every delivery of the webhook handler: received, then handled (or duplicate) or refused.
export const webhooks = createNodeWebhookHandler({
  secret: apiKey,
  onEvent: (event) => console.log(`${event.kind} ${event.uniqueId}`),
  onDiagnostic: (diagnostic) => console.log(diagnostic.type, diagnostic),
  // The error of each refusal (default: console.error for 500s and an unavailable dedup store).
  onError: (error) => console.warn(error.code, error.status, error.message),
});

// Or listen to every component at once, without touching their options.
subscribe('neverlose-market', (event) => console.debug('neverlose-market', event));

const { balance } = await client.getBalance();
console.log(`balance: ${balance} NLE`);

import { subscribe } from 'node:diagnostics_channel';
import { MarketClient } from 'neverlose-market/client';
import { createNodeWebhookHandler } from 'neverlose-market/webhooks';

declare const log: {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
};
declare function grant(username: string, itemId: string): Promise<void>;

// #region readme
// Every request, response, retry and journal step of the client (the API key is never in one;
// request bodies show "signature":"[redacted]").
const client = new MarketClient({
  userId: Number(process.env.NEVERLOSE_USER_ID),
  secret: apiKey,
  onEvent: (event) => {
    if (event.type === 'market:retry') log.warn(event, `market ${event.method} retried`);
    if (event.type === 'market:response')
      log.info(event, `market ${event.method} ${event.outcome}`);
  },
});

// Every delivery of the webhook handler: received, then handled (or duplicate) or refused.
const webhooks = createNodeWebhookHandler({
  secret: apiKey,
  onEvent: async (event) => {
    if (event.kind === 'purchase') await grant(event.username, event.itemId);
  },
  onDiagnostic: (event) => log.info(event, event.type),
  // The error of each refusal (default: console.error for 500s and an unavailable dedup store).
  onError: (error) => log.warn({ code: error.code, status: error.status }, error.message),
});

// Or listen to every component at once, without touching their options.
subscribe('neverlose-market', (event) => log.info(event as object, 'neverlose-market'));

// #endregion

export { client, webhooks };

// README snippet: runs against neverlose-emulator (test/docs/emulator-snippets.test.ts).
// #region readme
import { createServer } from 'node:http';
import { createNodeWebhookHandler, type WebhookEvent } from 'neverlose-market';

// Start the emulator with: neverlose-emulator --webhook-url http://127.0.0.1:3000/webhooks
const received: WebhookEvent[] = [];
const server = createServer(
  createNodeWebhookHandler({
    // --webhook-url points both demo market accounts here: the seller `shop` gets purchase
    // events signed with its API key, the `reseller` transfer events signed with its own.
    secret: ['emulator-shop-key', 'emulator-reseller-key'],
    onEvent: (event) => {
      received.push(event); // { kind: 'purchase', username: 'alice', itemId: 'E3yugw', ... }
    },
  }),
).listen(3000);

// #endregion

export { received, server };

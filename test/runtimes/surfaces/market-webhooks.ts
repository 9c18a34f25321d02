// neverlose-market/webhooks: verifyWebhook and the Web-standard handler, createWebhookHandler.

import { PURCHASE_WEBHOOK } from '@neverlose-toolkit/test-support/signing-docs-examples';
import { createWebhookHandler, verifyWebhook, type WebhookEvent } from 'neverlose-market/webhooks';
import { assert, surface } from '../harness.js';

const post = (body: string) =>
  new Request('https://shop.example/webhooks/neverlose', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });

export default surface('market webhooks', (check) => {
  check('verifyWebhook returns the docs’ purchase event, typed', () => {
    const event = verifyWebhook(PURCHASE_WEBHOOK, 'key');
    assert.fields(event, { kind: 'purchase', username: 'A49', uniqueId: 89968 }, 'event');
  });

  check('verifyWebhook refuses a forged signature with a coded error', async () => {
    const forged = PURCHASE_WEBHOOK.replace('dc20a4', 'dc20a5');
    await assert.refuses(() => verifyWebhook(forged, 'key'), 'ERR_WEBHOOK_BAD_SIGNATURE', 'forged');
  });

  check(
    'createWebhookHandler answers 200 once per event, 401 to a forgery, 415 to text',
    async () => {
      const seen: WebhookEvent[] = [];
      const handler = createWebhookHandler({ secret: 'key', onEvent: (event) => seen.push(event) });
      assert.equal((await handler(post(PURCHASE_WEBHOOK))).status, 200, 'first delivery');
      assert.equal((await handler(post(PURCHASE_WEBHOOK))).status, 200, 'redelivery');
      assert.equal(seen.length, 1, 'events handled');
      const forged = await handler(post(PURCHASE_WEBHOOK.replace('dc20a4', 'dc20a5')));
      assert.equal(forged.status, 401, 'forged');
      const text = new Request('https://shop.example/webhooks/neverlose', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: PURCHASE_WEBHOOK,
      });
      assert.equal((await handler(text)).status, 415, 'text/plain');
    },
  );
});

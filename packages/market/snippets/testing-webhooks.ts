// Your receiver, tested with webhooks signed as Neverlose signs them: npx tsx --test this-file.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createTestWebhook,
  createWebhookHandler,
  type WebhookEvent,
} from 'neverlose-market/webhooks';

const secret = 'a-test-api-key';
const granted: WebhookEvent[] = [];
// Your receiver as your app builds it (the Node and Express handlers take the same options).
const receive = createWebhookHandler({
  secret,
  onEvent: (event) => {
    granted.push(event);
  },
});
const deliver = (webhook: { request(url: string): Request }) =>
  receive(webhook.request('http://shop.test/webhooks'));

test('a purchase is granted once, however often it is delivered', async () => {
  const webhook = createTestWebhook(
    { kind: 'purchase', username: 'alice', itemId: 'E3yugw', amount: 1 },
    { secret },
  );
  assert.equal((await deliver(webhook)).status, 200);
  assert.equal((await deliver(webhook)).status, 200); // a redelivery: handled before
  assert.deepEqual(granted, [webhook.event]);
});

test('every form the provider signs is accepted: kind signed or not, 1 or 1.0', async () => {
  for (const options of [{ signKind: true }, { integralAmount: 'integer' as const }]) {
    const webhook = createTestWebhook(
      { kind: 'transfer', username: 'bob', amount: 2 },
      { secret, ...options },
    );
    assert.equal((await deliver(webhook)).status, 200);
  }
});

test('a webhook signed with another key is refused and runs nothing', async () => {
  const before = granted.length;
  const forged = createTestWebhook(
    { kind: 'transfer', username: 'mallory', amount: 1000 },
    { secret: 'not-the-key' },
  );
  assert.equal((await deliver(forged)).status, 401);
  assert.equal(granted.length, before);
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createExpressWebhookRouter,
  createNodeWebhookHandler,
  createTestWebhook,
  createWebhookHandler,
  type TestWebhookEvent,
  verifySignature,
  verifyWebhook,
  type WebhookEvent,
} from '../../src/index.js';
import { DOCS_PURCHASE, DOCS_SECRET, DOCS_TRANSFER } from './samples.js';

const signatureOf = (body: string) => (JSON.parse(body) as { signature: string }).signature;

describe('createTestWebhook builds webhooks as the provider signs them', () => {
  it('gives the docs’ purchase example its own signature (amount 0.9, kind not signed)', () => {
    const webhook = createTestWebhook(
      { kind: 'purchase', username: 'A49', itemId: 'E3yugw', amount: 0.9, uniqueId: 89968 },
      { secret: DOCS_SECRET },
    );
    expect(signatureOf(webhook.body)).toBe(signatureOf(DOCS_PURCHASE));
    expect(webhook.body).toBe(
      `{"kind":"purchase","amount":0.9,"username":"A49","unique_id":89968,"item_id":"E3yugw","signature":"${signatureOf(DOCS_PURCHASE)}"}`,
    );
  });

  it('gives the docs’ transfer example its own signature (written 1, signed 1.0)', () => {
    const webhook = createTestWebhook(
      { kind: 'transfer', username: 'A49', amount: 1, uniqueId: 22 },
      { secret: DOCS_SECRET, integralAmount: 'integer' },
    );
    expect(webhook.body).toContain('"amount":1,');
    expect(signatureOf(webhook.body)).toBe(signatureOf(DOCS_TRANSFER));
    // As Python prints the float by default.
    const float = createTestWebhook(
      { kind: 'transfer', username: 'A49', amount: '1', uniqueId: 22 },
      { secret: DOCS_SECRET },
    );
    expect(float.body).toContain('"amount":1.0,');
    expect(signatureOf(float.body)).toBe(signatureOf(DOCS_TRANSFER));
  });

  it('signs kind only when asked, and then the exact form verifies strictly', () => {
    const event = { kind: 'transfer', username: 'bob', amount: 2.5, uniqueId: 7 } as const;
    const loose = createTestWebhook(event, { secret: 'k' });
    const withKind = createTestWebhook(event, { secret: 'k', signKind: true });
    expect(signatureOf(loose.body)).not.toBe(signatureOf(withKind.body));
    expect(verifySignature(withKind.body, 'k', { strict: true })).toBe(true);
    expect(verifySignature(loose.body, 'k', { strict: true })).toBe(false);
  });

  const kinds: TestWebhookEvent[] = [
    { kind: 'purchase', username: 'alice', itemId: 'E3yugw', amount: '1' },
    { kind: 'purchase', username: 'Ünïcode', itemId: 'x"y', amount: 0.00001 },
    { kind: 'transfer', username: 'bob', amount: '13.37' },
    { kind: 'transfer', username: 'bob', amount: 2 },
    { kind: 'transfer', username: 'bob', amount: 1e16 },
  ];
  const forms = [
    {},
    { signKind: true },
    { integralAmount: 'integer' as const },
    { signKind: true, integralAmount: 'integer' as const },
  ];
  it.each(kinds.flatMap((event) => forms.map((form) => [event, form] as const)))(
    'verifies with verifyWebhook and returns its event: %j %j',
    (event, form) => {
      const webhook = createTestWebhook(event, { secret: 'the-key', ...form });
      expect(verifyWebhook(webhook.body, 'the-key')).toEqual(webhook.event);
      expect(() => verifyWebhook(webhook.body, 'another-key')).toThrow(
        expect.objectContaining({ code: 'ERR_WEBHOOK_BAD_SIGNATURE' }),
      );
    },
  );

  it('gives each webhook a new unique_id unless one is given', () => {
    const ids = [0, 1, 2].map(
      () =>
        createTestWebhook({ kind: 'transfer', username: 'bob', amount: 1 }, { secret: 'k' }).event
          .uniqueId,
    );
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(Number.isSafeInteger(id)).toBe(true);
  });

  it.each([
    [{ kind: 'refund', username: 'a', amount: 1 }, { secret: 'k' }, '"kind"'],
    [{ kind: 'transfer', username: '', amount: 1 }, { secret: 'k' }, '"username"'],
    [{ kind: 'purchase', username: 'a', itemId: '', amount: 1 }, { secret: 'k' }, '"itemId"'],
    [{ kind: 'transfer', username: 'a', amount: -1 }, { secret: 'k' }, '"amount"'],
    [{ kind: 'transfer', username: 'a', amount: '1e3' }, { secret: 'k' }, '"amount"'],
    [{ kind: 'transfer', username: 'a', amount: 1, uniqueId: 1.5 }, { secret: 'k' }, '"uniqueId"'],
    [{ kind: 'transfer', username: 'a', amount: 1 }, { secret: '' }, '"secret"'],
  ])('refuses %j naming the field', (event, options, field) => {
    expect(() => createTestWebhook(event as TestWebhookEvent, options)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringContaining(field),
      }),
    );
  });
});

describe('a test webhook passes every handler, once per unique_id', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function listen(server: Server): Promise<string> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  }

  const handlers: [
    string,
    (
      onEvent: (event: WebhookEvent) => void,
    ) => Promise<string | ((request: Request) => Promise<Response>)>,
  ][] = [
    [
      'createWebhookHandler (Web)',
      async (onEvent) => createWebhookHandler({ secret: 'the-key', onEvent }),
    ],
    [
      'createNodeWebhookHandler',
      (onEvent) => listen(createServer(createNodeWebhookHandler({ secret: 'the-key', onEvent }))),
    ],
    [
      'createExpressWebhookRouter',
      (onEvent) => {
        const app = express();
        app.use('/hook', createExpressWebhookRouter({ secret: 'the-key', onEvent }));
        return listen(createServer(app));
      },
    ],
  ];

  it.each(handlers)('%s', async (_, mount) => {
    const received: WebhookEvent[] = [];
    const target = await mount((event) => {
      received.push(event);
    });
    const send = (request: Request) =>
      typeof target === 'string' ? fetch(request) : target(request);
    const url = typeof target === 'string' ? target : 'http://shop.test/hook';
    const purchase = createTestWebhook(
      { kind: 'purchase', username: 'alice', itemId: 'E3yugw', amount: 1 },
      { secret: 'the-key' },
    );
    const transfer = createTestWebhook(
      { kind: 'transfer', username: 'bob', amount: 2, uniqueId: purchase.event.uniqueId },
      { secret: 'the-key', signKind: true, integralAmount: 'integer' },
    );
    const statuses = [];
    for (const webhook of [purchase, transfer, purchase]) {
      const response = await send(webhook.request(url));
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200]);
    // The redelivered purchase ran nothing; a transfer with the same unique_id is another event.
    expect(received).toEqual([purchase.event, transfer.event]);
  });
});

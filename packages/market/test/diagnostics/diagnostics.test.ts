import { execFile } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { debugEnabled } from '@neverlose-toolkit/internal/diagnostics';
import { describe, expect, it } from 'vitest';
import {
  createWebhookHandler,
  DIAGNOSTICS_CHANNEL,
  type FetchLike,
  MarketClient,
  type MarketClientDiagnostic,
  type MarketDiagnostic,
  MemoryIdJournal,
  MemoryWebhookDedupStore,
  type WebhookHandlerDiagnostic,
} from '../../src/index.js';
import { purchase } from '../webhooks/samples.js';

const SECRET = 'events-secret-0123456789';
const SIGNATURE_RE = /[0-9a-f]{64}/;

/** A fetch that answers from a list: a status and a JSON body per attempt. */
function scripted(answers: readonly [number, unknown][]): FetchLike {
  let index = 0;
  return async () => {
    const [status, body] = answers[Math.min(index++, answers.length - 1)]!;
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
}

function clientWith(answers: readonly [number, unknown][], journal?: MemoryIdJournal) {
  const events: MarketClientDiagnostic[] = [];
  const client = new MarketClient({
    userId: 7,
    secret: SECRET,
    fetch: scripted(answers),
    retryBaseMs: 0,
    retryMaxMs: 0,
    onDiagnostic: (event) => events.push(event),
    ...(journal ? { journal } : {}),
  });
  return { client, events };
}

/** No event may hold the API key, nor any 64-hex value (a signature). */
function expectNoSecrets(events: readonly unknown[]): void {
  for (const event of events) {
    const text = JSON.stringify(event);
    expect(text).not.toContain(SECRET);
    expect(text).not.toMatch(SIGNATURE_RE);
  }
}

describe('MarketClient events', () => {
  it('reports each attempt: request, retry after a 5xx, and the response with its outcome', async () => {
    const { client, events } = clientWith([
      [503, { error: 'busy' }],
      [200, { success: true, succ: true }],
    ]);
    const result = await client.giftProduct({
      id: 'order-1',
      username: 'darth',
      product: 'cs2',
      days: 30,
    });
    expect(result.status).toBe('completed');
    expect(events.map((event) => event.type)).toEqual([
      'market:request',
      'market:response',
      'market:retry',
      'market:request',
      'market:response',
    ]);
    const [request, failed, retry, , done] = events;
    expect(request).toMatchObject({
      type: 'market:request',
      method: 'gift-product',
      requestId: 'order-1',
      attempt: 1,
      url: 'https://user-api.neverlose.cc/api/market/gift-product',
    });
    expect(request?.type === 'market:request' && request.body).toBe(
      '{"user_id":7,"id":"order-1","username":"darth","product":"cs2","cnt":0,"signature":"[redacted]"}',
    );
    expect(failed).toMatchObject({
      outcome: 'transport-error',
      code: 'ERR_MARKET_HTTP_5XX',
      status: 503,
      attempt: 1,
    });
    expect(retry).toMatchObject({ code: 'ERR_MARKET_HTTP_5XX', attempt: 1, delayMs: 0 });
    expect(done).toMatchObject({ outcome: 'ok', status: 200, attempt: 2, requestId: 'order-1' });
    for (const event of events) {
      expect(event.timestamp).toBeGreaterThan(0);
      if (event.type === 'market:response') expect(event.durationMs).toBeGreaterThanOrEqual(0);
    }
    expectNoSecrets(events);
  });

  it('reports an API error with its code, and "Invalid id." on a retry as already-completed', async () => {
    const refused = clientWith([[200, { success: false, error: 'Not enough balance' }]]);
    await expect(
      refused.client.transferMoney({ id: 'tx-1', username: 'a49', amount: 2 }),
    ).rejects.toMatchObject({ code: 'ERR_MARKET_INSUFFICIENT_BALANCE' });
    expect(refused.events.at(-1)).toMatchObject({
      type: 'market:response',
      outcome: 'api-error',
      code: 'ERR_MARKET_INSUFFICIENT_BALANCE',
    });

    const lost = clientWith([
      [502, {}],
      [200, { success: false, error: 'Invalid id.' }],
    ]);
    const result = await lost.client.transferMoney({ id: 'tx-2', username: 'a49', amount: 2 });
    expect(result.status).toBe('already-completed');
    expect(lost.events.at(-1)).toMatchObject({ outcome: 'already-completed', attempt: 2 });
    expectNoSecrets([...refused.events, ...lost.events]);
  });

  it('reports the journal steps: begin and complete, then replay without sending', async () => {
    const journal = new MemoryIdJournal();
    const { client, events } = clientWith([[200, { success: true }]], journal);
    await client.giveForFree({ key: 'order-9', username: 'darth', code: 'E3yugw' });
    await client.giveForFree({ key: 'order-9', username: 'darth', code: 'E3yugw' });
    const steps = events.flatMap((event) =>
      event.type === 'market:journal' ? [`${event.action} ${event.key}`] : [],
    );
    expect(steps).toEqual(['begin order-9', 'complete order-9', 'replay order-9']);
    expect(events.filter((event) => event.type === 'market:request')).toHaveLength(1);
  });

  it('ignores a hook that throws: the call completes as without it', async () => {
    const client = new MarketClient({
      userId: 7,
      secret: SECRET,
      fetch: scripted([[200, { success: true, balance: 3 }]]),
      onDiagnostic: () => {
        throw new Error('broken logger');
      },
    });
    await expect(client.getBalance()).resolves.toMatchObject({ balance: 3 });
  });

  it('publishes the same events on the neverlose-market diagnostics channel', async () => {
    const published: unknown[] = [];
    const listener = (message: unknown) => published.push(message);
    subscribe(DIAGNOSTICS_CHANNEL, listener);
    try {
      const { client, events } = clientWith([[200, { success: true, balance: 3 }]]);
      await client.getBalance();
      expect(published).toEqual(events);
      expect(published.length).toBeGreaterThan(0);
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNEL, listener);
    }
  });
});

describe('webhook handler events', () => {
  async function deliver(
    handler: (request: Request) => Promise<Response>,
    body: string,
  ): Promise<number> {
    const response = await handler(
      new Request('https://shop.example/hook', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }),
    );
    return response.status;
  }

  it('reports received, handled (then duplicate) and refused, never the signature', async () => {
    const events: WebhookHandlerDiagnostic[] = [];
    const handler = createWebhookHandler({
      secret: 'key',
      dedupStore: new MemoryWebhookDedupStore(),
      onEvent: () => {},
      onError: () => {},
      onDiagnostic: (event) => events.push(event),
    });
    const body = purchase(41);
    expect(await deliver(handler, body)).toBe(200);
    expect(await deliver(handler, body)).toBe(200);
    expect(await deliver(handler, body.replace(/"signature":"[0-9a-f]/, '"signature":"0'))).toBe(
      401,
    );
    expect(events.map((event) => event.type)).toEqual([
      'webhook:received',
      'webhook:handled',
      'webhook:received',
      'webhook:handled',
      'webhook:received',
      'webhook:refused',
    ]);
    expect(events[1]).toMatchObject({ kind: 'purchase', uniqueId: 41, duplicate: false });
    expect(events[3]).toMatchObject({ kind: 'purchase', uniqueId: 41, duplicate: true });
    expect(events[5]).toMatchObject({ code: 'ERR_WEBHOOK_BAD_SIGNATURE', status: 401 });
    expectNoSecrets(events);
  });

  it('reports a refusal before the body is read, and a failing handler with its event', async () => {
    const events: MarketDiagnostic[] = [];
    const handler = createWebhookHandler({
      secret: 'key',
      dedupStore: new MemoryWebhookDedupStore(),
      onEvent: () => {
        throw new Error('database down');
      },
      onError: () => {},
      onDiagnostic: (event) => events.push(event),
    });
    expect(
      (await handler(new Request('https://shop.example/hook', { method: 'GET' }))).status,
    ).toBe(405);
    expect(await deliver(handler, purchase(42))).toBe(500);
    expect(events[0]).toMatchObject({
      type: 'webhook:refused',
      code: 'ERR_WEBHOOK_METHOD_NOT_ALLOWED',
    });
    expect(events.at(-1)).toMatchObject({
      type: 'webhook:refused',
      code: 'ERR_WEBHOOK_HANDLER_FAILED',
      kind: 'purchase',
      uniqueId: 42,
    });
    expectNoSecrets(events);
  });
});

describe('NODE_DEBUG=neverlose-market', () => {
  it('reads the section as util.debuglog does: lists, any case, wildcards', () => {
    expect(debugEnabled('neverlose-market', 'http,neverlose-market')).toBe(true);
    expect(debugEnabled('neverlose-market', 'NEVERLOSE-*')).toBe(true);
    expect(debugEnabled('neverlose-market', 'neverlose-oidc')).toBe(false);
    expect(debugEnabled('neverlose-market', '')).toBe(false);
  });

  it('prints one redacted line per event to stderr, without the secret or a signature', async () => {
    const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
    const script = `
      const { MarketClient } = await import(${JSON.stringify(`${dist}client.js`)});
      const { createWebhookHandler } = await import(${JSON.stringify(`${dist}webhooks.js`)});
      const { signRequest } = await import(${JSON.stringify(`${dist}signing.js`)});
      const client = new MarketClient({ userId: 7, secret: ${JSON.stringify(SECRET)}, retryBaseMs: 0,
        fetch: async () => new Response('{"success":true}') });
      await client.giftProduct({ key: 'k1', username: 'darth', product: 'cs2', days: 30 });
      const handler = createWebhookHandler({ secret: 'key', onEvent() {} });
      const body = signRequest({ kind: 'transfer', amount: 2.5, username: 'a', unique_id: 5 }, 'key').body;
      await handler(new Request('http://h/', { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    `;
    const { stderr } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      { env: { ...process.env, NODE_DEBUG: 'neverlose-market' } },
    );
    const lines = stderr.trim().split('\n');
    expect(lines.map((line) => line.split(' ')[2])).toEqual([
      'market:request',
      'market:response',
      'webhook:received',
      'webhook:handled',
    ]);
    for (const line of lines) {
      expect(line).toMatch(/^NEVERLOSE-MARKET \d+: [a-z]+:[a-z-]+ \{/);
      expect(line).not.toContain(SECRET);
      expect(line).not.toMatch(SIGNATURE_RE);
    }
  });
});

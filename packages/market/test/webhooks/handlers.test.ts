import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createExpressWebhookRouter,
  createNodeWebhookHandler,
  createWebhookHandler,
  MemoryWebhookDedupStore,
  type WebhookEvent,
  type WebhookHandlerOptions,
} from '../../src/index.js';
import { DOCS_PURCHASE, DOCS_SECRET, DOCS_TRANSFER, purchase } from './samples.js';

interface Sent {
  method?: string;
  contentType?: string | null;
  body?: string | ReadableStream<Uint8Array>;
}
type Send = (
  request: Sent,
) => Promise<{ status: number; json: Record<string, unknown>; allow: string | null }>;
type Mount = (options: WebhookHandlerOptions) => Promise<Send>;

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function overHttp(server: Server, path = '/hook'): Promise<Send> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return async ({ method = 'POST', contentType = 'application/json', body }) => {
    const headers: Record<string, string> =
      contentType === null ? {} : { 'content-type': contentType };
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers,
      body: method === 'GET' ? undefined : body,
    };
    if (body instanceof ReadableStream) init.duplex = 'half';
    const response = await fetch(url, init);
    return {
      status: response.status,
      json: (await response.json()) as Record<string, unknown>,
      allow: response.headers.get('allow'),
    };
  };
}

const mounts: [string, Mount][] = [
  [
    'Web Request -> Response',
    async (options) => {
      const handler = createWebhookHandler(options);
      return async ({ method = 'POST', contentType = 'application/json', body }) => {
        const headers: Record<string, string> =
          contentType === null ? {} : { 'content-type': contentType };
        const init: RequestInit & { duplex?: 'half' } = {
          method,
          headers,
          body: method === 'GET' ? undefined : body,
        };
        if (body instanceof ReadableStream) init.duplex = 'half';
        const response = await handler(new Request('http://localhost/hook', init));
        return {
          status: response.status,
          json: (await response.json()) as Record<string, unknown>,
          allow: response.headers.get('allow'),
        };
      };
    },
  ],
  ['Node http', async (options) => overHttp(createServer(createNodeWebhookHandler(options)))],
  [
    'Express router',
    async (options) => {
      const app = express();
      app.use('/hook', createExpressWebhookRouter(options));
      app.use(express.json());
      return overHttp(createServer(app));
    },
  ],
];

function streamOf(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      controller.enqueue(new Uint8Array(1024).fill(0x20));
      sent += 1024;
    },
  });
}

describe.each(mounts)('%s webhook handler', (_name, mount) => {
  const setup = async (onEvent: (event: WebhookEvent) => unknown = () => {}) => {
    const events: WebhookEvent[] = [];
    const send = await mount({
      secret: ['rotated-out', DOCS_SECRET],
      maxBodyBytes: 4096,
      onError: () => {},
      onEvent: async (event) => {
        events.push(event);
        await onEvent(event);
      },
    });
    return { send, events };
  };

  it('answers 200 and runs the handler for a valid event', async () => {
    const { send, events } = await setup();
    const response = await send({ body: DOCS_PURCHASE });
    expect(response).toMatchObject({ status: 200, json: { ok: true } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'purchase', itemId: 'E3yugw' });
  });

  it('answers 200 to a duplicate unique_id of the same kind, running the handler once', async () => {
    const { send, events } = await setup();
    await send({ body: DOCS_PURCHASE });
    const again = await send({ body: DOCS_PURCHASE });
    expect(again).toMatchObject({ status: 200, json: { ok: true, duplicate: true } });
    expect(events).toHaveLength(1);
  });

  it('treats the same unique_id of another kind as a new event', async () => {
    const { send, events } = await setup();
    await send({ body: purchase(22) });
    await send({ body: DOCS_TRANSFER });
    expect(events.map((event) => event.kind)).toEqual(['purchase', 'transfer']);
  });

  it('answers 405 to a non-POST, with Allow: POST', async () => {
    const { send, events } = await setup();
    expect(await send({ method: 'GET' })).toMatchObject({
      status: 405,
      allow: 'POST',
      json: { error: 'ERR_WEBHOOK_METHOD_NOT_ALLOWED' },
    });
    expect(events).toHaveLength(0);
  });

  it('answers 415 to a wrong content type and accepts charset=utf-8', async () => {
    const { send } = await setup();
    expect((await send({ body: DOCS_PURCHASE, contentType: 'text/plain' })).status).toBe(415);
    expect(
      (await send({ body: DOCS_PURCHASE, contentType: 'application/json; charset=latin1' })).status,
    ).toBe(415);
    expect(
      (await send({ body: DOCS_PURCHASE, contentType: 'Application/JSON; charset=UTF-8' })).status,
    ).toBe(200);
  });

  it('answers 413 over the body limit, with or without a content-length', async () => {
    const { send } = await setup();
    expect(await send({ body: ' '.repeat(5000) + DOCS_PURCHASE })).toMatchObject({
      status: 413,
      json: { error: 'ERR_WEBHOOK_BODY_TOO_LARGE' },
    });
    expect((await send({ body: streamOf(64 * 1024) })).status).toBe(413);
  });

  it('answers 400 to bad JSON and to a bad shape', async () => {
    const { send } = await setup();
    expect(await send({ body: '{"kind":' })).toMatchObject({
      status: 400,
      json: { error: 'ERR_WEBHOOK_INVALID_JSON' },
    });
    expect(await send({ body: purchase(5, { extra: 1 }) })).toMatchObject({
      status: 400,
      json: { error: 'ERR_WEBHOOK_INVALID_SHAPE' },
    });
  });

  it('answers 401 to a bad signature without calling the handler', async () => {
    const { send, events } = await setup();
    const forged = DOCS_PURCHASE.replace('"A49"', '"attacker"');
    expect(await send({ body: forged })).toMatchObject({
      status: 401,
      json: { error: 'ERR_WEBHOOK_BAD_SIGNATURE' },
    });
    expect(events).toHaveLength(0);
  });

  it('answers 500 when the handler throws, and runs it again on redelivery', async () => {
    let calls = 0;
    const { send, events } = await setup(() => {
      calls++;
      if (calls === 1) throw new Error('database down');
    });
    const failed = await send({ body: purchase(77) });
    expect(failed).toMatchObject({
      status: 500,
      json: { ok: false, error: 'ERR_WEBHOOK_HANDLER_FAILED' },
    });
    expect(JSON.stringify(failed.json)).not.toContain('database down');
    expect((await send({ body: purchase(77) })).status).toBe(200);
    expect((await send({ body: purchase(77) })).json).toMatchObject({ duplicate: true });
    expect(events).toHaveLength(2);
  });
});

/** The docs' purchase example, as the provider posts it. */
const request = () =>
  new Request('http://x/', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: DOCS_PURCHASE,
  });

describe('webhook handler details', () => {
  it('answers a concurrent redelivery as the first delivery does, running the handler once', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const handler = createWebhookHandler({
      secret: DOCS_SECRET,
      onEvent: async () => {
        calls++;
        await gate;
      },
    });
    const first = handler(request());
    const second = handler(request());
    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(calls).toBe(1);
  });

  it('uses a given dedup store and records the event done', async () => {
    const store = new MemoryWebhookDedupStore();
    const handler = createWebhookHandler({
      secret: DOCS_SECRET,
      dedupStore: store,
      onEvent: () => {},
    });
    await handler(
      new Request('http://x/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: DOCS_PURCHASE,
      }),
    );
    expect(store.claim('purchase', 89968, 60)).toBe('done');
    expect(store.claim('transfer', 89968, 60)).toBe('claimed');
  });

  it('answers 503 to a duplicate while another instance is still handling the event, so none is lost', async () => {
    // Two instances, one shared store: the first handler is slow and then fails.
    const store = new MemoryWebhookDedupStore();
    let fail: (error: Error) => void = () => {};
    const slow = createWebhookHandler({
      secret: DOCS_SECRET,
      dedupStore: store,
      onError: () => {},
      onEvent: () => new Promise<void>((_, reject) => (fail = reject)),
    });
    const calls: string[] = [];
    const other = createWebhookHandler({
      secret: DOCS_SECRET,
      dedupStore: store,
      onEvent: (event) => void calls.push(event.kind),
    });
    const first = slow(request());
    await new Promise((resolve) => setTimeout(resolve, 10));
    const duplicate = await other(request());
    expect(duplicate.status).toBe(503);
    expect(duplicate.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await duplicate.json()).toMatchObject({ error: 'ERR_WEBHOOK_IN_PROGRESS' });
    fail(new Error('database down'));
    expect((await first).status).toBe(500);
    // The provider delivers again: now it runs, once.
    expect((await other(request())).status).toBe(200);
    expect((await other(request())).status).toBe(200);
    expect(calls).toEqual(['purchase']);
  });

  it.each([
    ['done', 200, { duplicate: true }],
    ['processing', 503, { error: 'ERR_WEBHOOK_IN_PROGRESS' }],
  ] as const)(
    'answers an asynchronous store claim of "%s" with %i without running the handler',
    async (claim, status, json) => {
      let calls = 0;
      const handler = createWebhookHandler({
        secret: DOCS_SECRET,
        onError: () => {},
        dedupStore: {
          claim: async () => claim,
          complete: async () => {},
          release: async () => {},
        },
        onEvent: () => void calls++,
      });
      const response = await handler(request());
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject(json);
      expect(response.headers.get('retry-after')).toBe(status === 503 ? '5' : null);
      expect(calls).toBe(0);
    },
  );

  it('runs the handler once for a synchronous store and handler, and records the event done', async () => {
    const store = new MemoryWebhookDedupStore();
    const seen: number[] = [];
    const handler = createWebhookHandler({
      secret: DOCS_SECRET,
      dedupStore: store,
      onEvent: (event) => void seen.push(event.uniqueId),
    });
    const [first, second] = await Promise.all([handler(request()), handler(request())]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.json()).toEqual({ ok: true, duplicate: true });
    expect(seen).toEqual([89968]);
    expect(store.claim('purchase', 89968, 60)).toBe('done');
  });

  it('refuses invalid options when created', () => {
    expect(() => createWebhookHandler({ secret: '', onEvent: () => {} })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });

  it('tells how to mount the Express router when express.json() consumed the body', async () => {
    const app = express();
    app.use(express.json());
    app.use('/hook', createExpressWebhookRouter({ secret: DOCS_SECRET, onEvent: () => {} }));
    let seen: unknown;
    app.use(
      (
        error: unknown,
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        seen = error;
        res.status(500).json({ error: (error as { code: string }).code });
      },
    );
    const send = await overHttp(createServer(app));
    expect(await send({ body: DOCS_PURCHASE })).toMatchObject({
      status: 500,
      json: { error: 'ERR_WEBHOOK_BODY_CONSUMED' },
    });
    expect(seen).toMatchObject({
      message: expect.stringMatching(/before app\.use\(express\.json\(\)\).*express\.raw/),
    });
  });

  it('uses a body express.raw() already read', async () => {
    const events: WebhookEvent[] = [];
    const app = express();
    app.use(
      '/hook',
      express.raw({ type: 'application/json' }),
      createExpressWebhookRouter({ secret: DOCS_SECRET, onEvent: (event) => events.push(event) }),
    );
    const send = await overHttp(createServer(app));
    expect((await send({ body: DOCS_TRANSFER })).status).toBe(200);
    expect(events).toHaveLength(1);
  });
});

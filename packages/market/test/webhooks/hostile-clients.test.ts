import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createExpressWebhookRouter,
  createNodeWebhookHandler,
  createWebhookHandler,
  MemoryWebhookDedupStore,
  type WebhookDedupStore,
  type WebhookError,
  type WebhookHandlerOptions,
} from '../../src/index.js';
import { DOCS_PURCHASE, DOCS_SECRET, purchase } from './samples.js';

// Anything that escapes a handler lands here and fails the test that caused it.
const escaped: unknown[] = [];
const trap = (error: unknown) => void escaped.push(error);
beforeAll(() => {
  process.on('unhandledRejection', trap);
  process.on('uncaughtException', trap);
});
afterAll(() => {
  process.off('unhandledRejection', trap);
  process.off('uncaughtException', trap);
});
afterEach(() => {
  const found = escaped.splice(0);
  expect(found, 'an error escaped the webhook handler').toEqual([]);
});

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A deferred value, to wait on events without sleeping. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function post(port: number, body: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}/hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}

/** Opens a raw connection and sends the head of a POST whose body never comes in full. */
async function partialPost(port: number, declared: number, sent: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(
    `POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n${sent}`,
  );
  return socket;
}

/**
 * A server for one of the Node adapters. `requests` resolves each request as it arrives;
 * `finished` holds what the Node handler returned (the Express router returns nothing).
 */
interface Mounted {
  port: number;
  arrived: () => Promise<{ req: IncomingMessage; res: ServerResponse }>;
  finished: Promise<unknown>[];
  errors: WebhookError[];
  /** Errors Express's `next()` received. */
  forwarded: unknown[];
}

type Adapter = (options: WebhookHandlerOptions) => Promise<Mounted>;

function harness(
  makeListener: (
    options: WebhookHandlerOptions,
    forwarded: unknown[],
  ) => (req: IncomingMessage, res: ServerResponse) => unknown,
): Adapter {
  return async (options) => {
    const errors: WebhookError[] = [];
    const forwarded: unknown[] = [];
    const finished: Promise<unknown>[] = [];
    type Arrival = { req: IncomingMessage; res: ServerResponse };
    const queue: Arrival[] = [];
    const waiting: ((value: Arrival) => void)[] = [];
    const listener = makeListener(
      {
        ...options,
        onError: (error) => {
          errors.push(error);
          options.onError?.(error);
        },
      },
      forwarded,
    );
    const server = createServer((req, res) => {
      const result = listener(req, res);
      if (result instanceof Promise) finished.push(result);
      const next = waiting.shift();
      if (next) next({ req, res });
      else queue.push({ req, res });
    });
    const port = await listen(server);
    const arrived = () => {
      const ready = queue.shift();
      return ready ? Promise.resolve(ready) : new Promise<Arrival>((r) => waiting.push(r));
    };
    return { port, arrived, finished, errors, forwarded };
  };
}

const adapters: [string, Adapter][] = [
  ['Node http handler', harness((options) => createNodeWebhookHandler(options))],
  [
    'Express router',
    harness((options, forwarded) => {
      const app = express();
      app.use('/hook', createExpressWebhookRouter(options));
      app.use(
        (
          error: unknown,
          _req: express.Request,
          res: express.Response,
          _n: express.NextFunction,
        ) => {
          forwarded.push(error);
          res.status(500).end();
        },
      );
      return app;
    }),
  ],
];

const throwing = (how: 'sync' | 'async'): WebhookDedupStore => {
  const fail = (): never => {
    throw new Error('store down');
  };
  return how === 'sync'
    ? { claim: fail, complete: fail, release: fail }
    : {
        claim: () => Promise.reject(new Error('store down')),
        complete: () => Promise.reject(new Error('store down')),
        release: () => Promise.reject(new Error('store down')),
      };
};

describe.each(adapters)('%s under hostile clients and failing parts', (_name, mount) => {
  it('closes the connection of a client that sends part of the body and goes away, and stays up', async () => {
    const server = await mount({ secret: DOCS_SECRET, onEvent: () => {} });
    const socket = await partialPost(server.port, 400, '{"kind":"purch');
    const { req } = await server.arrived();
    const closed = new Promise((resolve) => req.once('close', resolve));
    socket.destroy();
    await closed;
    await Promise.all(server.finished.map((done) => expect(done).resolves.toBeUndefined()));
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.forwarded).toEqual([]);
    expect(server.errors.map((error) => error.code)).toEqual(['ERR_WEBHOOK_BODY_UNREADABLE']);
    expect((await post(server.port, DOCS_PURCHASE)).status).toBe(200);
  });

  it.each(['sync', 'async'] as const)(
    'answers 503 when the dedup store fails (%s) and runs nothing',
    async (how) => {
      let calls = 0;
      const server = await mount({
        secret: DOCS_SECRET,
        dedupStore: throwing(how),
        onEvent: () => void calls++,
      });
      expect(await post(server.port, DOCS_PURCHASE)).toMatchObject({
        status: 503,
        json: { error: 'ERR_WEBHOOK_DEDUP_UNAVAILABLE' },
      });
      expect(calls).toBe(0);
    },
  );

  it.each(['sync', 'async'] as const)(
    'answers 500 when the handler throws and the store fails (%s) to release the claim',
    async (how) => {
      const store = new MemoryWebhookDedupStore();
      const failing = throwing(how);
      const server = await mount({
        secret: DOCS_SECRET,
        dedupStore: {
          claim: (kind, id, lease) => store.claim(kind, id, lease),
          complete: (kind, id, ttl) => store.complete(kind, id, ttl),
          release: failing.release,
        },
        onEvent: () => {
          throw new Error('handler bug');
        },
      });
      expect(await post(server.port, purchase(3))).toMatchObject({
        status: 500,
        json: { error: 'ERR_WEBHOOK_HANDLER_FAILED' },
      });
    },
  );

  it.each(['sync', 'async'] as const)(
    'answers 200 when the handler ran but the store fails (%s) to record it done',
    async (how) => {
      const store = new MemoryWebhookDedupStore();
      const server = await mount({
        secret: DOCS_SECRET,
        dedupStore: {
          claim: (kind, id, lease) => store.claim(kind, id, lease),
          complete: throwing(how).complete,
          release: (kind, id) => store.release(kind, id),
        },
        onEvent: () => {},
      });
      expect((await post(server.port, purchase(4))).status).toBe(200);
      expect(server.errors.map((error) => error.code)).toEqual(['ERR_WEBHOOK_DEDUP_UNAVAILABLE']);
    },
  );

  it('answers 500 when the handler throws synchronously', async () => {
    const server = await mount({
      secret: DOCS_SECRET,
      onEvent: () => {
        throw new Error('sync bug');
      },
    });
    expect((await post(server.port, purchase(5))).status).toBe(500);
  });

  it('keeps its answers when onError throws', async () => {
    const server = await mount({
      secret: DOCS_SECRET,
      onEvent: () => {
        throw new Error('handler bug');
      },
      onError: () => {
        throw new Error('logger bug');
      },
    });
    const forged = DOCS_PURCHASE.replace('"A49"', '"attacker"');
    expect(await post(server.port, forged)).toMatchObject({
      status: 401,
      json: { error: 'ERR_WEBHOOK_BAD_SIGNATURE' },
    });
    expect((await post(server.port, purchase(6))).status).toBe(500);
    expect(server.forwarded).toEqual([]);
  });

  it('stays up when the client went away before the handler finished', async () => {
    const gate = deferred();
    const entered = deferred();
    const completed = deferred();
    const store = new MemoryWebhookDedupStore();
    const server = await mount({
      secret: DOCS_SECRET,
      dedupStore: {
        claim: (kind, id, lease) => store.claim(kind, id, lease),
        complete: (kind, id, ttl) => {
          store.complete(kind, id, ttl);
          completed.resolve();
        },
        release: (kind, id) => store.release(kind, id),
      },
      onEvent: () => {
        entered.resolve();
        return gate.promise;
      },
    });
    const body = purchase(7);
    const socket = await partialPost(server.port, Buffer.byteLength(body), body);
    const { res } = await server.arrived();
    await entered.promise;
    const closed = new Promise((resolve) => res.once('close', resolve));
    socket.destroy();
    await closed;
    gate.resolve();
    await completed.promise;
    await Promise.all(server.finished.map((done) => expect(done).resolves.toBeUndefined()));
    expect((await post(server.port, purchase(8))).status).toBe(200);
  });

  it('stays up when something else answered before the handler finished (a timeout middleware)', async () => {
    const gate = deferred();
    const entered = deferred();
    const server = await mount({
      secret: DOCS_SECRET,
      onEvent: () => {
        entered.resolve();
        return gate.promise;
      },
    });
    const pending = post(server.port, purchase(9));
    const { res } = await server.arrived();
    await entered.promise;
    // The "timeout" answers while the handler still waits.
    res.writeHead(503).end();
    expect((await pending).status).toBe(503);
    gate.resolve();
    await Promise.all(server.finished.map((done) => expect(done).resolves.toBeUndefined()));
    expect((await post(server.port, purchase(10))).status).toBe(200);
    expect(server.forwarded).toEqual([]);
  });
});

describe('a webhook receiver in its own process', () => {
  const script = fileURLToPath(new URL('./server-child.mjs', import.meta.url));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it.each(['node', 'express'])(
    'survives a client that declares a body, sends part of it and closes (%s)',
    async (mode) => {
      const child = spawn(process.execPath, [script, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      const port = Number(String((await lines.next()).value).split(' ')[1]);

      const socket = await partialPost(port, 400, '{"kind":"purchase","amo');
      socket.destroy();
      // Printed once the aborted request has been handled: a crash would come before it is read.
      expect((await lines.next()).value).toBe('closed');
      const answer = await post(port, DOCS_PURCHASE).catch((error: unknown) => error);
      expect(answer, stderr).toMatchObject({ status: 200 });
      expect(child.exitCode, stderr).toBeNull();
      child.kill('SIGTERM');
      await exited;
    },
  );
});

describe('Web handler with a failing body stream', () => {
  const request = (body: ReadableStream<Uint8Array>) =>
    new Request('http://x/hook', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);

  it('answers 400 to a stream that fails at once', async () => {
    const errors: string[] = [];
    const handler = createWebhookHandler({
      secret: DOCS_SECRET,
      onEvent: () => {},
      onError: (error) => void errors.push(error.code),
    });
    const response = await handler(
      request(new ReadableStream({ start: (controller) => controller.error(new Error('reset')) })),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'ERR_WEBHOOK_BODY_UNREADABLE' });
    expect(errors).toEqual(['ERR_WEBHOOK_BODY_UNREADABLE']);
  });

  it('answers 400 to a stream that fails after part of the body', async () => {
    const handler = createWebhookHandler({ secret: DOCS_SECRET, onEvent: () => {} });
    let step = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (step++ === 0) controller.enqueue(new TextEncoder().encode(DOCS_PURCHASE.slice(0, 20)));
        else controller.error(new Error('aborted'));
      },
    });
    const response = await handler(request(stream));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'ERR_WEBHOOK_BODY_UNREADABLE' });
  });

  it('answers 400 when onError throws too, and never rejects', async () => {
    const handler = createWebhookHandler({
      secret: DOCS_SECRET,
      onEvent: () => {},
      onError: () => {
        throw new Error('logger bug');
      },
    });
    const response = await handler(
      request(new ReadableStream({ start: (controller) => controller.error(new Error('reset')) })),
    );
    expect(response.status).toBe(400);
  });

  it('answers 500 with a code to a body the framework already read', async () => {
    const handler = createWebhookHandler({
      secret: DOCS_SECRET,
      onEvent: () => {},
      onError: () => {},
    });
    const used = new Request('http://x/hook', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: DOCS_PURCHASE,
    });
    await used.text();
    const response = await handler(used);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: 'ERR_WEBHOOK_BODY_CONSUMED' });
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookAnswer } from './answers.js';
import { internalFailure, tooLarge, unreadableBody } from './errors.js';
import type { WebhookHandlerOptions } from './handler-options.js';
import { type BodyRead, createPipeline, type WebhookPipeline } from './pipeline.js';

/**
 * A webhook handler for Node's `http` server, `(req, res) => Promise<void>`. Same statuses as
 * {@link createWebhookHandler}; it reads the raw body itself, up to `maxBodyBytes`.
 *
 * The returned promise never rejects and nothing is thrown out of a callback, whatever fails: a
 * client that goes away mid-body gets its connection closed, a store or callback that throws gets
 * the status documented for it, and the process stays up.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * createServer(createNodeWebhookHandler({ secret: process.env.NEVERLOSE_API_KEY!, onEvent })).listen(8080);
 * ```
 */
export function createNodeWebhookHandler(
  options: WebhookHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const pipeline = createPipeline(options);
  return (req, res) => serveNode(pipeline, req, res);
}

/**
 * @internal Answers one request (shared with the Express router). Never rejects: `node:http` and
 * Express 4 do not catch a handler's promise, and an unhandled rejection ends the process.
 *
 * The body is read with listeners and the answer written from them: the one promise made is the
 * one returned, and none is awaited when the dedup store and `onEvent` are synchronous. The
 * listeners are shared by every request and the delivery's state is one object (this runs on every
 * webhook: a promise per step, or closures per request, cost the server CPU time per request).
 */
export function serveNode(
  pipeline: WebhookPipeline,
  req: IncomingMessage,
  res: ServerResponse,
  body?: string | Uint8Array,
): Promise<void> {
  return new Promise((resolve) => {
    const delivery = new NodeDelivery(pipeline, res, resolve);
    try {
      const { contentType, contentLength } = bodyHeaders(req);
      const early = pipeline.precheck(req.method ?? '', contentType, contentLength);
      if (early) {
        req.resume();
        delivery.answer(withClose(early));
      } else if (body !== undefined) {
        delivery.handle({ kind: 'body', body });
      } else {
        delivery.read(req);
      }
    } catch (error) {
      delivery.fail(error);
    }
  });
}

/** Where the listeners of a request find its delivery. */
const DELIVERY = Symbol('neverlose-market.webhookDelivery');

type DeliveringRequest = IncomingMessage & { [DELIVERY]?: NodeDelivery };

/** One request: its body as read so far, then its answer. */
class NodeDelivery {
  private first: Uint8Array | undefined;
  private chunks: Uint8Array[] | undefined;
  private size = 0;
  /** The body was read, or could not be: later events do nothing. */
  private settled = false;

  constructor(
    private readonly pipeline: WebhookPipeline,
    private readonly res: ServerResponse,
    private readonly resolve: () => void,
  ) {}

  answer(reply: WebhookAnswer): void {
    send(this.res, reply);
    this.resolve();
  }

  fail(error: unknown): void {
    this.answer(withClose(this.pipeline.refuse(internalFailure(error))));
  }

  /**
   * Reads the body up to `maxBodyBytes`, then answers it, or why it could not be read: an aborted
   * or failed stream is a result, never an exception.
   */
  read(req: IncomingMessage): void {
    if (req.destroyed || req.readableEnded) {
      this.settle({ kind: 'unreadable', cause: new Error('the body was already read') });
      return;
    }
    (req as DeliveringRequest)[DELIVERY] = this;
    // The listeners stay: once settled they do nothing, and a late 'error' still has a listener.
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  }

  data(req: IncomingMessage, chunk: Uint8Array): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size > this.pipeline.maxBodyBytes) {
      // Drain the rest unread; the answer closes the connection.
      req.resume();
      this.settle({ kind: 'too-large' });
      return;
    }
    // A webhook is one chunk: an array only for a body that came in several.
    if (this.first === undefined) this.first = chunk;
    else if (this.chunks === undefined) this.chunks = [this.first, chunk];
    else this.chunks.push(chunk);
  }

  end(): void {
    if (this.settled) return;
    const { first, chunks } = this;
    this.settle({
      kind: 'body',
      body: chunks === undefined ? (first ?? new Uint8Array(0)) : concat(chunks, this.size),
    });
  }

  /** Without an 'error' (already emitted, or none), a close before the end is an abort too. */
  close(): void {
    // Every request closes: the error (and its stack, microseconds) is made only when unsettled.
    if (!this.settled)
      this.settle({ kind: 'unreadable', cause: new Error('closed before the end') });
  }

  settle(read: BodyRead): void {
    if (this.settled) return;
    this.settled = true;
    this.first = undefined;
    this.chunks = undefined;
    this.handle(read);
  }

  /** Answers a body read (or its failure). Never throws: anything unexpected goes to `fail`. */
  handle(read: BodyRead): void {
    try {
      const { pipeline } = this;
      if (read.kind === 'too-large') {
        this.answer(withClose(pipeline.refuse(tooLarge(pipeline.maxBodyBytes))));
      } else if (read.kind === 'unreadable') {
        this.answer(withClose(pipeline.refuse(unreadableBody(read.cause))));
      } else {
        const handled = pipeline.handle(read.body);
        if (handled instanceof Promise) {
          handled.then(
            (reply) => this.answer(reply),
            (error: unknown) => this.fail(error),
          );
        } else this.answer(handled);
      }
    } catch (error) {
      this.fail(error);
    }
  }
}

function onData(this: DeliveringRequest, chunk: Uint8Array): void {
  this[DELIVERY]?.data(this, chunk);
}

function onEnd(this: DeliveringRequest): void {
  this[DELIVERY]?.end();
}

function onError(this: DeliveringRequest, cause: unknown): void {
  this[DELIVERY]?.settle({ kind: 'unreadable', cause });
}

function onClose(this: DeliveringRequest): void {
  this[DELIVERY]?.close();
}

/**
 * `Content-Type` and `Content-Length`, the first of each as `req.headers` gives them, read from
 * `rawHeaders`: Node builds `req.headers` on first access, an object of every header per request
 * that nothing else here needs.
 */
function bodyHeaders(req: IncomingMessage): {
  contentType: string | undefined;
  contentLength: string | undefined;
} {
  let contentType: string | undefined;
  let contentLength: string | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 12 && contentType === undefined && name.toLowerCase() === 'content-type')
      contentType = raw[i + 1];
    else if (
      name.length === 14 &&
      contentLength === undefined &&
      name.toLowerCase() === 'content-length'
    )
      contentLength = raw[i + 1];
  }
  return { contentType, contentLength };
}

/** Writes the answer, or closes the connection when nobody is left to read it. Never throws. */
function send(res: ServerResponse, answer: WebhookAnswer): void {
  if (res.headersSent || res.destroyed || res.socket?.destroyed === true) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  try {
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  } catch {
    res.destroy();
  }
}

/** An unread body must not be parsed as the next request: close the connection after answering. */
function withClose(answer: WebhookAnswer): WebhookAnswer {
  return { ...answer, headers: { ...answer.headers, connection: 'close' } };
}

/** The chunks as one array (no `Buffer`: this module loads on runtimes without it). */
function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

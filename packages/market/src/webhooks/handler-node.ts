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
 * one returned, and none is awaited when the dedup store and `onEvent` are synchronous (this runs
 * on every webhook; awaits and a promise per step cost the server CPU time per request).
 */
export function serveNode(
  pipeline: WebhookPipeline,
  req: IncomingMessage,
  res: ServerResponse,
  body?: string | Uint8Array,
): Promise<void> {
  return new Promise((resolve) => {
    const answer = (reply: WebhookAnswer): void => {
      send(res, reply);
      resolve();
    };
    const fail = (error: unknown): void => {
      answer(withClose(pipeline.refuse(internalFailure(error))));
    };
    try {
      const { contentType, contentLength } = bodyHeaders(req);
      const early = pipeline.precheck(req.method ?? '', contentType, contentLength);
      if (early) {
        req.resume();
        answer(withClose(early));
      } else if (body !== undefined) {
        handleBody(pipeline, { kind: 'body', body }, answer, fail);
      } else {
        readLimited(req, pipeline.maxBodyBytes, (read) => handleBody(pipeline, read, answer, fail));
      }
    } catch (error) {
      fail(error);
    }
  });
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

/** Answers a body read (or its failure). Never throws: anything unexpected goes to `fail`. */
function handleBody(
  pipeline: WebhookPipeline,
  read: BodyRead,
  answer: (reply: WebhookAnswer) => void,
  fail: (error: unknown) => void,
): void {
  try {
    if (read.kind === 'too-large') {
      answer(withClose(pipeline.refuse(tooLarge(pipeline.maxBodyBytes))));
    } else if (read.kind === 'unreadable') {
      answer(withClose(pipeline.refuse(unreadableBody(read.cause))));
    } else {
      const handled = pipeline.handle(read.body);
      if (handled instanceof Promise) handled.then(answer, fail);
      else answer(handled);
    }
  } catch (error) {
    fail(error);
  }
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

/**
 * Reads the body up to `limit` bytes and calls `done` once with it, or with why it could not be
 * read: an aborted or failed stream is a result, never an exception.
 */
function readLimited(req: IncomingMessage, limit: number, done: (read: BodyRead) => void): void {
  if (req.destroyed || req.readableEnded) {
    done({ kind: 'unreadable', cause: new Error('the body was already read') });
    return;
  }
  let first: Uint8Array | undefined;
  let chunks: Uint8Array[] | undefined;
  let size = 0;
  // The listeners stay: once settled they do nothing, and a late 'error' still has a listener.
  let settled = false;
  const settle = (read: BodyRead): void => {
    if (settled) return;
    settled = true;
    done(read);
  };
  req.on('data', (chunk: Uint8Array) => {
    if (settled) return;
    size += chunk.length;
    if (size > limit) {
      // Drain the rest unread; the answer closes the connection.
      req.resume();
      settle({ kind: 'too-large' });
      return;
    }
    // A webhook is one chunk: an array only for a body that came in several.
    if (first === undefined) first = chunk;
    else if (chunks === undefined) chunks = [first, chunk];
    else chunks.push(chunk);
  });
  req.on('end', () => {
    settle({
      kind: 'body',
      body: chunks === undefined ? (first ?? new Uint8Array(0)) : concat(chunks, size),
    });
  });
  req.on('error', (cause: unknown) => settle({ kind: 'unreadable', cause }));
  // Without an 'error' (already emitted, or none), a close before the end is an abort too. Every
  // request closes: the error (and its stack, microseconds) is made only for one not yet settled.
  req.on('close', () => {
    if (!settled) settle({ kind: 'unreadable', cause: new Error('closed before the end') });
  });
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

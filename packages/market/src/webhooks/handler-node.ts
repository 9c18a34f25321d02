import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type BodyRead,
  createPipeline,
  internalFailure,
  tooLarge,
  unreadableBody,
  type WebhookAnswer,
  type WebhookHandlerOptions,
  type WebhookPipeline,
} from './pipeline.js';

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
 */
export async function serveNode(
  pipeline: WebhookPipeline,
  req: IncomingMessage,
  res: ServerResponse,
  body?: string | Uint8Array,
): Promise<void> {
  let answer: WebhookAnswer;
  try {
    const early = pipeline.precheck(
      req.method ?? '',
      req.headers['content-type'],
      req.headers['content-length'],
    );
    if (early) {
      req.resume();
      answer = withClose(early);
    } else {
      const read: BodyRead =
        body === undefined
          ? await readLimited(req, pipeline.maxBodyBytes)
          : { kind: 'body', body: body };
      if (read.kind === 'too-large') {
        answer = withClose(pipeline.refuse(tooLarge(pipeline.maxBodyBytes)));
      } else if (read.kind === 'unreadable') {
        answer = withClose(pipeline.refuse(unreadableBody(read.cause)));
      } else {
        const handled = pipeline.handle(read.body);
        answer = handled instanceof Promise ? await handled : handled;
      }
    }
  } catch (error) {
    answer = withClose(pipeline.refuse(internalFailure(error)));
  }
  send(res, answer);
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

/** Reads the body up to `limit` bytes. Always resolves: an aborted or failed stream is a result. */
function readLimited(req: IncomingMessage, limit: number): Promise<BodyRead> {
  if (req.destroyed || req.readableEnded) {
    return Promise.resolve({ kind: 'unreadable', cause: new Error('the body was already read') });
  }
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    // The listeners stay: once settled they do nothing, and a late 'error' still has a listener.
    let settled = false;
    req.on('data', (chunk: Uint8Array) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settled = true;
        // Drain the rest unread; the answer closes the connection.
        req.resume();
        resolve({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve({ kind: 'body', body: chunks.length === 1 ? chunks[0]! : concat(chunks, size) });
    });
    req.on('error', (cause: unknown) => {
      if (settled) return;
      settled = true;
      resolve({ kind: 'unreadable', cause });
    });
    // Without an 'error' (already emitted, or none), a close before the end is an abort too.
    req.on('close', () => {
      if (settled) return;
      settled = true;
      resolve({ kind: 'unreadable', cause: new Error('closed before the end') });
    });
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

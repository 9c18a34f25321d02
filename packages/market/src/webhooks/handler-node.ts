import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createPipeline,
  tooLarge,
  type WebhookAnswer,
  type WebhookHandlerOptions,
  type WebhookPipeline,
} from './pipeline.js';

/**
 * A webhook handler for Node's `http` server, `(req, res) => Promise<void>`. Same statuses as
 * {@link createWebhookHandler}; it reads the raw body itself, up to `maxBodyBytes`.
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
  return async (req, res) => {
    send(res, await nodeAnswer(pipeline, req));
  };
}

/** @internal Shared with the Express router. */
export async function nodeAnswer(
  pipeline: WebhookPipeline,
  req: IncomingMessage,
  body?: string | Uint8Array,
): Promise<WebhookAnswer> {
  const early = pipeline.precheck(
    req.method ?? '',
    req.headers['content-type'],
    req.headers['content-length'],
  );
  if (early) {
    req.resume();
    return withClose(early);
  }
  const raw = body ?? (await readLimited(req, pipeline.maxBodyBytes));
  if (raw === undefined) return withClose(pipeline.refuse(tooLarge(pipeline.maxBodyBytes)));
  return pipeline.handle(raw);
}

/** @internal */
export function send(res: ServerResponse, answer: WebhookAnswer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/** An unread body must not be parsed as the next request: close the connection after answering. */
function withClose(answer: WebhookAnswer): WebhookAnswer {
  return { ...answer, headers: { ...answer.headers, connection: 'close' } };
}

function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () =>
      resolve(size > limit ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)),
    );
    req.once('error', reject);
  });
}

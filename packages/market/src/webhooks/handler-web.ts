import { readBoundedBody } from '@neverlose-toolkit/internal/bounded-body';
import type { WebhookAnswer } from './answers.js';
import { internalFailure, tooLarge, unreadableBody, WebhookError } from './errors.js';
import type { WebhookHandlerOptions } from './handler-options.js';
import { createPipeline } from './pipeline.js';

/**
 * A Web-standard webhook handler, `(request: Request) => Promise<Response>`: for Bun, Deno,
 * Cloudflare Workers, Hono, Next.js route handlers and any fetch-style server.
 *
 * Answers 405 (not POST), 415 (not `application/json`), 413 (over `maxBodyBytes`), 400 (bad JSON
 * or shape, or a body stream that failed), 401 (bad signature: `onEvent` is not called), 500
 * (`onEvent` threw), 503 (the dedup store failed, or another delivery of the event is running),
 * and 200 on success or for an event already handled (`onEvent` runs once per `kind` +
 * `unique_id`). The promise always resolves to a `Response`: it never rejects.
 *
 * @example
 * ```ts
 * const handler = createWebhookHandler({
 *   secret: process.env.NEVERLOSE_API_KEY!,
 *   dedupStore: await openSqliteWebhookDedupStore('market.db'),
 *   onEvent: async (event) => {
 *     if (event.kind === 'purchase') await grant(event.username, event.itemId);
 *   },
 * });
 * export const POST = handler; // Next.js
 * ```
 */
export function createWebhookHandler(
  options: WebhookHandlerOptions,
): (request: Request) => Promise<Response> {
  const pipeline = createPipeline(options);
  const respond = (a: WebhookAnswer) =>
    new Response(a.body, { status: a.status, headers: a.headers });

  const answer = async (request: Request): Promise<WebhookAnswer> => {
    const early = pipeline.precheck(
      request.method,
      request.headers.get('content-type'),
      request.headers.get('content-length'),
    );
    if (early) return early;
    if (request.bodyUsed) {
      return pipeline.refuse(
        new WebhookError(
          'ERR_WEBHOOK_BODY_CONSUMED',
          'The request body was read before the Neverlose handler: pass the Request unread.',
        ),
      );
    }
    const read = await readBoundedBody(request, pipeline.maxBodyBytes);
    if (read.kind === 'too-large') return pipeline.refuse(tooLarge(pipeline.maxBodyBytes));
    if (read.kind === 'unreadable') return pipeline.refuse(unreadableBody(read.cause));
    return pipeline.handle(read.body);
  };

  return async (request) => {
    try {
      return respond(await answer(request));
    } catch (error) {
      return respond(pipeline.refuse(internalFailure(error)));
    }
  };
}

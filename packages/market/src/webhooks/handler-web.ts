import { createPipeline, tooLarge, type WebhookHandlerOptions } from './pipeline.js';

/**
 * A Web-standard webhook handler, `(request: Request) => Promise<Response>`: for Bun, Deno,
 * Cloudflare Workers, Hono, Next.js route handlers and any fetch-style server.
 *
 * Answers 405 (not POST), 415 (not `application/json`), 413 (over `maxBodyBytes`), 400 (bad JSON
 * or shape), 401 (bad signature: `onEvent` is not called), 500 (`onEvent` threw), and 200 on
 * success or for an event already handled (`onEvent` runs once per `kind` + `unique_id`).
 *
 * @example
 * ```ts
 * const handler = createWebhookHandler({
 *   secret: process.env.NEVERLOSE_API_KEY!,
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
  const answer = (a: { status: number; headers: Readonly<Record<string, string>>; body: string }) =>
    new Response(a.body, { status: a.status, headers: a.headers });

  return async (request) => {
    const early = pipeline.precheck(
      request.method,
      request.headers.get('content-type'),
      request.headers.get('content-length'),
    );
    if (early) return answer(early);
    const body = await readLimited(request, pipeline.maxBodyBytes);
    if (body === undefined) return answer(pipeline.refuse(tooLarge(pipeline.maxBodyBytes)));
    return answer(await pipeline.handle(body));
  };
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebhookError } from './errors.js';
import { serveNode } from './handler-node.js';
import type { WebhookHandlerOptions } from './handler-options.js';
import { createPipeline } from './pipeline.js';

/** The parts of Express's request this router reads (no dependency on Express's types). */
type ExpressRequest = IncomingMessage & { body?: unknown; _body?: boolean };
type NextFunction = (error?: unknown) => void;

/**
 * An Express (4 or 5) router for webhooks that reads the raw body itself. Mount it before
 * `express.json()`, or on a path that JSON parser does not see:
 *
 * ```ts
 * app.use('/webhooks/neverlose', createExpressWebhookRouter({ secret, onEvent }));
 * app.use(express.json()); // after it
 * ```
 *
 * A body already read by `express.raw({ type: 'application/json' })` (a Buffer) or `express.text`
 * is used as it is. A body already parsed into an object cannot be verified (`1.0` and `1` sign
 * differently): the router then passes `ERR_WEBHOOK_BODY_CONSUMED` to `next()`, saying how to
 * mount it. Statuses are those of {@link createWebhookHandler}. Like the Node handler, it never
 * lets a promise reject or an exception escape: a client gone mid-body gets its connection closed.
 */
export function createExpressWebhookRouter(
  options: WebhookHandlerOptions,
): (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void {
  const pipeline = createPipeline(options);
  return (req, res, next) => {
    const request = req as ExpressRequest;
    let body: string | Uint8Array | undefined;
    if (request._body === true || request.readableEnded) {
      if (typeof request.body === 'string' || request.body instanceof Uint8Array)
        body = request.body;
      else {
        next(
          new WebhookError(
            'ERR_WEBHOOK_BODY_CONSUMED',
            'A body parser (express.json()?) consumed the webhook body before the Neverlose router. Mount the router ' +
              'before app.use(express.json()), or use express.raw({ type: "application/json" }) on its path: the ' +
              'signature must be checked against the raw bytes.',
          ),
        );
        return;
      }
    }
    void serveNode(pipeline, request, res, body);
  };
}

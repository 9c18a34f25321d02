import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** @internal What the strategy reads from an Express (or plain Node) request. */
export interface StrategyRequest extends IncomingMessage {
  readonly protocol?: string;
  readonly originalUrl?: string;
  readonly query?: Record<string, unknown>;
  session?: unknown;
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}

/**
 * @internal The public origin of a request. With `proxy`, `X-Forwarded-Proto` and
 * `X-Forwarded-Host` decide; otherwise Express's `req.protocol` (which honours `trust proxy`),
 * or the socket, and the `Host` header.
 */
export function requestOrigin(req: StrategyRequest, proxy: boolean): string {
  let protocol = req.protocol ?? ((req.socket as TLSSocket).encrypted ? 'https' : 'http');
  let host = firstHeader(req, 'host');
  if (proxy) {
    const forwardedProto = firstHeader(req, 'x-forwarded-proto');
    if (forwardedProto === 'https' || forwardedProto === 'http') protocol = forwardedProto;
    host = firstHeader(req, 'x-forwarded-host') ?? host;
  }
  return `${protocol}://${host ?? 'localhost'}`;
}

/** @internal The path and query the request was made for (Express's `originalUrl`). */
export function requestPath(req: StrategyRequest): string {
  return req.originalUrl ?? req.url ?? '/';
}

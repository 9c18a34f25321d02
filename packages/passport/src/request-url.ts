import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { NeverloseOidcError } from 'neverlose-oidc';

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
 * A host as a client may send it: a DNS name or IPv4 address, or an IPv6 address in brackets, and
 * an optional port. Nothing else a URL parser would take (credentials, a path, percent-encoding).
 */
const HOST = /^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/**
 * @internal The public origin of a request. With `proxy`, `X-Forwarded-Proto` and
 * `X-Forwarded-Host` decide; otherwise Express's `req.protocol` (which honours `trust proxy`),
 * or the socket, and the `Host` header.
 *
 * @throws {NeverloseOidcError} `ERR_REQUEST_INVALID` when the host is missing or is not a host
 *   (`a b`, `user@host`, `host/path`, port 99999): the request's fault, a 400.
 */
export function requestOrigin(req: StrategyRequest, proxy: boolean): string {
  let protocol = req.protocol ?? ((req.socket as TLSSocket).encrypted ? 'https' : 'http');
  let host = firstHeader(req, 'host');
  let header = 'Host';
  if (proxy) {
    const forwardedProto = firstHeader(req, 'x-forwarded-proto');
    if (forwardedProto === 'https' || forwardedProto === 'http') protocol = forwardedProto;
    const forwardedHost = firstHeader(req, 'x-forwarded-host');
    if (forwardedHost !== undefined) {
      host = forwardedHost;
      header = 'X-Forwarded-Host';
    }
  }
  const origin = `${protocol}://${host}`;
  if (host === undefined || !HOST.test(host) || !URL.canParse(origin)) {
    throw new NeverloseOidcError(
      'ERR_REQUEST_INVALID',
      `The request's ${header} header ${host === undefined ? 'is missing' : 'is not a host name and port'}: no callback URL can be built from it.`,
    );
  }
  return origin;
}

/** @internal The path and query the request was made for (Express's `originalUrl`). */
export function requestPath(req: StrategyRequest): string {
  return req.originalUrl ?? req.url ?? '/';
}

/**
 * @internal The query of a request without Express's `req.query` (plain `node:http`).
 *
 * @throws {NeverloseOidcError} `ERR_REQUEST_INVALID` when the request target is not a path.
 */
export function requestQuery(req: StrategyRequest): Record<string, string> {
  const path = requestPath(req);
  if (!URL.canParse(path, 'http://request.invalid')) {
    throw new NeverloseOidcError('ERR_REQUEST_INVALID', 'The request target is not a path.');
  }
  return Object.fromEntries(new URL(path, 'http://request.invalid').searchParams);
}

import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body read (the only body is the logout form). */
const MAX_BODY_BYTES = 8 * 1024;

/** A request no Web `Request` can be made of: the adapter answers it with `status` itself. */
export class RequestRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRefused';
  }
}

/**
 * The URL of a request target on the app's origin: a path (`//x` stays the path `//x`, not the
 * host `x`), never another origin.
 */
function requestUrl(target: string | undefined, origin: string): URL {
  if (target === undefined || !target.startsWith('/'))
    throw new RequestRefused(400, 'The request target must be a path.');
  try {
    return new URL(`${origin}${target}`);
  } catch {
    throw new RequestRefused(400, 'The request target is not a valid path.');
  }
}

/**
 * A Web `Request` for a Node request; the body is read only for methods that carry one.
 * @throws {RequestRefused} for a target, header, method or body a `Request` cannot carry (400,
 *   405, 413); a client that went away rejects with the stream's own error.
 */
export async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const url = requestUrl(req.url, origin);
  const headers = new Headers();
  try {
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
    }
  } catch {
    throw new RequestRefused(400, 'A request header is not valid.');
  }
  const method = req.method ?? 'GET';
  const make = (body?: Buffer<ArrayBuffer>) => {
    try {
      return new Request(url, body === undefined ? { method, headers } : { method, headers, body });
    } catch {
      // CONNECT, TRACE and TRACK: the Fetch API has no Request for them.
      throw new RequestRefused(405, `The method ${method} is not allowed.`);
    }
  };
  if (method === 'GET' || method === 'HEAD') return make();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestRefused(413, 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return make(Buffer.concat(chunks));
}

/** Writes a Web `Response` to a Node response, every `Set-Cookie` kept apart. */
export async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * Answers a request that failed before or outside the app: a refused one with its status, one
 * whose client went away not at all, anything else with 500. Never throws.
 */
export function sendFailure(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  onError: (error: unknown) => void,
): void {
  if (req.destroyed && !req.complete) {
    res.destroy();
    return;
  }
  if (!(error instanceof RequestRefused)) onError(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = error instanceof RequestRefused ? error.status : 500;
  const text = error instanceof RequestRefused ? error.message : 'Internal server error';
  // The unread rest of a refused body must not be read as the next request.
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(text);
}

import type { IncomingMessage, ServerResponse } from 'node:http';

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on the shop's own
  // form posts, which the CSRF check refuses. Other sites still get no Referer (nor the token).
  'referrer-policy': 'same-origin',
} as const;

export function sendHtml(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/** 303: the browser follows with a GET, so a reload never re-submits a form. */
export function sendRedirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, 'cache-control': 'no-store' });
  res.end();
}

/**
 * The URL of a request target: a path (`//x` stays the path `//x`, not the host `x`);
 * `undefined` for anything else (`*`, an absolute URL, a malformed one).
 */
export function requestUrl(target: string | undefined): URL | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined;
  try {
    return new URL(`http://shop.invalid${target}`);
  } catch {
    return undefined;
  }
}

const MAX_FORM_BYTES = 16 * 1024;
/** How much of an oversized body is read (and dropped) so the client can read the 413. */
const DRAIN_LIMIT = 1024 * 1024;

/** A form body, or the status refusing it. */
export type FormBody =
  | { readonly ok: true; readonly form: URLSearchParams }
  | { readonly ok: false; readonly status: 413 | 415 };

/**
 * Reads an `application/x-www-form-urlencoded` body of at most 16 KiB. A larger one is read and
 * dropped up to 1 MiB more (the client can then read the 413), after that the connection is cut.
 * A client that goes away mid-body rejects with the stream's error.
 */
export async function readForm(req: IncomingMessage): Promise<FormBody> {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    req.resume();
    return { ok: false, status: 415 };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_FORM_BYTES) chunks.push(chunk);
    else if (size > MAX_FORM_BYTES + DRAIN_LIMIT) req.destroy();
  }
  if (size > MAX_FORM_BYTES) return { ok: false, status: 413 };
  return { ok: true, form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) };
}

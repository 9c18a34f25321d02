/**
 * A `fetch` that puts public origins on loopback: a request to `https://neverlose.cc/...` or
 * `https://app.example/...` goes to the local server standing for that origin, as DNS and a
 * TLS-terminating proxy would send it. For an `https:` origin it adds what such a proxy adds,
 * `X-Forwarded-Proto: https`. Every other URL is fetched as it is.
 *
 * @param targets The local origin (`http://127.0.0.1:<port>`) of each public one, read at each
 *   request (a server may start after the stub), or `undefined` while none stands for it.
 */
export function stagedFetch(
  targets: () => Readonly<Record<string, string | undefined>>,
  realFetch: typeof fetch = globalThis.fetch,
): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const target = targets()[url.origin];
    if (!(url.origin in targets())) return realFetch(request);
    if (target === undefined) throw new Error(`${url.origin}: nothing stands for it yet`);
    const headers = new Headers(request.headers);
    if (url.protocol === 'https:') headers.set('x-forwarded-proto', 'https');
    return realFetch(`${target}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      redirect: request.redirect,
      signal: request.signal,
      ...(request.body === null ? {} : { body: request.body, duplex: 'half' }),
    } as RequestInit);
  };
}

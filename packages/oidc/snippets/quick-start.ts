import {
  callbackState,
  createNeverloseClient,
  httpStatusOf,
  loginCookie,
  MemoryTransactionStore,
} from 'neverlose-oidc';

// PUBLIC_URL: the app's origin as browsers see it (https://app.example).
const REDIRECT_URI = `${process.env.PUBLIC_URL}/auth/neverlose/callback`;
const client = await createNeverloseClient({
  clientId: process.env.NEVERLOSE_CLIENT_ID!,
  clientSecret: process.env.NEVERLOSE_CLIENT_SECRET,
  redirectUri: REDIRECT_URI,
  issuer: process.env.NEVERLOSE_ISSUER, // unset: https://neverlose.cc
  dangerouslyAllowInsecureHttp: process.env.NEVERLOSE_ALLOW_INSECURE_HTTP === '1', // emulator
});
const store = new MemoryTransactionStore(); // one process; neverlose-redis/-postgres for several

/** GET /auth/neverlose?returnTo=/path: off to Neverlose. */
export async function login(request: Request): Promise<Response> {
  const returnTo = new URL(request.url).searchParams.get('returnTo') ?? undefined;
  try {
    const { url, transaction, binding } = await client.startAuthorization({ returnTo });
    // Kept under the binding, which only this browser gets (its login cookie): a callback URL
    // opened in any other browser finds nothing (login CSRF).
    await store.set(binding, transaction, client.transactionTtl);
    const cookie = loginCookie(REDIRECT_URI, transaction.state);
    const headers = new Headers({ location: url.href });
    // __Host-nl_login.<state>=<binding>; Max-Age=600; Path=/; HttpOnly; SameSite=Lax; Secure
    headers.append('set-cookie', cookie.set(binding, client.transactionTtl / 1000));
    return new Response(null, { status: 302, headers });
  } catch (error) {
    return failure(error);
  }
}

/** GET /auth/neverlose/callback: back from Neverlose. */
export async function callback(request: Request): Promise<Response> {
  const cookie = loginCookie(REDIRECT_URI, callbackState(request));
  const binding = cookie.read(request.headers.get('cookie'));
  try {
    const transaction = binding === undefined ? undefined : await store.take(binding);
    // Its path and query, checked against the redirect URI's path: behind a TLS-terminating
    // proxy, request.url names the address the proxy called, not PUBLIC_URL.
    const { pathname, search } = new URL(request.url);
    const { profile, returnTo } = await client.completeAuthorization(
      pathname + search,
      transaction,
      binding,
    );
    // Signed in. profile.id is the stable Neverlose user id: key your accounts on it, start your
    // session here, and redirect to returnTo (a same-origin path, safe in a Location header).
    const headers = new Headers({ 'content-type': 'text/plain; charset=utf-8' });
    headers.append('set-cookie', cookie.clear());
    return new Response(`Signed in as ${profile.username}; next: ${returnTo ?? '/'}`, { headers });
  } catch (error) {
    const answer = failure(error);
    answer.headers.append('set-cookie', cookie.clear());
    return answer;
  }
}

/**
 * A failed login: 403 refused consent, 400 what the browser sent (a stale, replayed, forged or
 * foreign callback, a bad returnTo), 503 try again, 502 the provider failed. Nobody is signed in.
 */
function failure(error: unknown): Response {
  const status = httpStatusOf(error);
  if (status === undefined) throw error; // a bug: your 500 handler
  const { code } = error as { code: string };
  const headers = new Headers(status === 503 ? { 'retry-after': '10' } : {});
  return new Response(`Login failed (${code}): please try again.`, { status, headers });
}

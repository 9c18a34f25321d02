import {
  callbackState,
  createNeverloseClient,
  createSealedCookieCodec,
  httpStatusOf,
  loginCookie,
} from 'neverlose-oidc';

const REDIRECT_URI = 'https://app.example/auth/neverlose/callback';
const client = await createNeverloseClient({
  clientId: process.env.NEVERLOSE_CLIENT_ID!,
  clientSecret: process.env.NEVERLOSE_CLIENT_SECRET,
  redirectUri: REDIRECT_URI,
});
// Generate the secret with `openssl rand -base64 32`; the same on every instance. To rotate it,
// list the new one first and keep the previous one until the transaction lifetime has passed:
// `secret: [newSecret, previousSecret]` seals with the first and opens with either.
const codec = createSealedCookieCodec({ secret: process.env.LOGIN_COOKIE_SECRET! });

export async function login(): Promise<Response> {
  const started = await client.startAuthorization();
  // The transaction and its binding, sealed in the login cookie: no server state at all.
  const cookie = loginCookie(REDIRECT_URI, started.transaction.state);
  const headers = new Headers({ location: started.url.href });
  // seal throws ERR_COOKIE_TOO_LARGE rather than return a value browsers would drop.
  headers.append('set-cookie', cookie.set(await codec.seal(started), client.transactionTtl / 1000));
  return new Response(null, { status: 302, headers });
}

export async function callback(request: Request): Promise<Response> {
  const cookie = loginCookie(REDIRECT_URI, callbackState(request));
  const headers = new Headers({ 'set-cookie': cookie.clear() }); // used once: no replay
  try {
    // Throws ERR_TRANSACTION_MISSING (absent, altered, other secret) or ERR_TRANSACTION_EXPIRED.
    const { transaction, binding } = await codec.open(cookie.read(request.headers.get('cookie')));
    // Its path and query: behind a proxy, request.url names the address the proxy called.
    const { pathname, search } = new URL(request.url);
    const { profile } = await client.completeAuthorization(pathname + search, transaction, binding);
    return new Response(`Signed in as ${profile.username}`, { headers });
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === undefined) throw error;
    return new Response('Login failed, please try again.', { status, headers });
  }
}

import {
  callbackState,
  createSealedCookieCodec,
  type NeverloseClient,
  sealedCookieName,
} from 'neverlose-oidc';

declare const client: NeverloseClient;

// #region readme
// Generate the secret with `openssl rand -base64 32`; the same on every instance. To rotate it,
// list the new one first and keep the previous one until the transaction lifetime has passed:
// `secret: [newSecret, previousSecret]` seals with the first and opens with either.
const codec = createSealedCookieCodec({ secret: process.env.LOGIN_COOKIE_SECRET! });

export async function login(): Promise<Response> {
  const { url, transaction } = await client.startAuthorization();
  const name = sealedCookieName(transaction.state!); // one cookie per login: tabs do not collide
  const maxAge = Math.floor(client.transactionTtl / 1000);
  const headers = new Headers({ location: url.href });
  // seal throws ERR_COOKIE_TOO_LARGE rather than return a value browsers would drop.
  headers.append(
    'set-cookie',
    `${name}=${await codec.seal(transaction)}; HttpOnly; Secure; SameSite=Lax; Path=/auth; Max-Age=${maxAge}`,
  );
  return new Response(null, { status: 302, headers });
}

export async function callback(request: Request): Promise<Response> {
  const name = sealedCookieName(callbackState(request) ?? '');
  // Throws ERR_TRANSACTION_MISSING (absent, altered, other secret) or ERR_TRANSACTION_EXPIRED.
  const transaction = await codec.open(getCookie(request, name));
  const { profile } = await client.completeAuthorization(request, transaction);
  const headers = new Headers({ location: '/' });
  headers.append('set-cookie', `${name}=; Path=/auth; Max-Age=0`); // delete it: no replay
  await signIn(profile);
  return new Response(null, { status: 302, headers });
}
// #endregion

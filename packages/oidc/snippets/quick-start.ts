import {
  callbackState,
  createNeverloseClient,
  isNeverloseOidcError,
  isUserError,
  MemoryTransactionStore,
} from 'neverlose-oidc';

const client = await createNeverloseClient({
  clientId: process.env.NEVERLOSE_CLIENT_ID!,
  clientSecret: process.env.NEVERLOSE_CLIENT_SECRET,
  redirectUri: 'https://app.example/auth/neverlose/callback',
});
const store = new MemoryTransactionStore(); // one process; use Redis for several

export async function login(request: Request): Promise<Response> {
  const returnTo = new URL(request.url).searchParams.get('returnTo') ?? undefined;
  try {
    const { url, transaction } = await client.startAuthorization({ returnTo });
    await store.set(transaction.state!, transaction, client.transactionTtl);
    return Response.redirect(url, 302);
  } catch (error) {
    // ERR_RETURN_TO_INVALID: returnTo is not a same-origin relative path.
    if (isUserError(error)) return new Response('Bad returnTo.', { status: 400 });
    // The store is full of pending logins: it refuses new ones rather than cancel those.
    if (isNeverloseOidcError(error, 'ERR_TRANSACTION_STORE_FULL')) {
      return new Response('Too many logins in progress.', {
        status: 503,
        headers: { 'retry-after': '10' },
      });
    }
    throw error;
  }
}

export async function callback(request: Request): Promise<Response> {
  const state = callbackState(request);
  const transaction = state === undefined ? undefined : await store.take(state);
  try {
    // returnTo is a same-origin path of printable ASCII: safe in a Location header.
    const { profile, returnTo } = await client.completeAuthorization(request, transaction);
    // profile.id is the stable Neverlose user id: key your accounts on it.
    await signIn(profile);
    return Response.redirect(new URL(returnTo ?? '/', request.url), 302);
  } catch (error) {
    if (isUserError(error)) return new Response('Login failed, please try again.', { status: 403 });
    throw error; // the provider or the network failed: a 5xx
  }
}

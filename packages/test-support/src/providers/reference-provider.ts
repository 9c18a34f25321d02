// oidc-provider (panva's, OpenID Certified) configured as Neverlose documents its provider, so
// that neverlose-oidc (its core and its framework adapters) and passport-neverlose are tested
// against an implementation we did not write: authorization code flow only, PKCE required and S256 only, no refresh tokens, the
// `cc.neverlose.*` claims, client_secret_basic and client_secret_post, RS256 and ES256
// id_tokens, the RFC 9207 `iss` authorization-response parameter. No end-session endpoint:
// Neverlose publishes none.
//
// Sign-in and consent are driven without a browser: the interaction URL is answered here, by
// approving (or refusing) as the user 1337, as a person would on the provider's pages.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider';
import { SCOPE_CLAIMS, USER } from './user.mjs';
import { UserAgent } from './user-agent.js';

export { USER };

/** A client registered at the reference provider. */
export interface ReferenceClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The registered clients: one per authentication method and id_token algorithm. */
export const CLIENTS = {
  /** `client_secret_basic`, RS256 id_tokens. */
  basic: { clientId: 'rs256-basic', clientSecret: randomBytes(24).toString('base64url') },
  /** `client_secret_post`, RS256 id_tokens. */
  post: { clientId: 'rs256-post', clientSecret: randomBytes(24).toString('base64url') },
  /** `client_secret_basic`, ES256 id_tokens. */
  es256: { clientId: 'es256-basic', clientSecret: randomBytes(24).toString('base64url') },
} as const satisfies Record<string, ReferenceClient>;

export interface ReferenceProvider {
  readonly issuer: string;
  /** What the next sign-in answers: approve as {@link USER}, or refuse. */
  decision: 'approve' | 'deny';
  /** Every request the provider received, in order. */
  readonly requests: { readonly method: string; readonly path: string }[];
  /** The `kid`s the provider signs with now. */
  readonly kids: readonly string[];
  /** Registers one more redirect URI for every client. */
  allowRedirect(uri: string): Promise<void>;
  /** Replaces every signing key by a new one (new `kid`s); the old keys are no longer published. */
  rotateKeys(): Promise<void>;
  close(): Promise<void>;
}

async function signingKeys(): Promise<JWK[]> {
  const stamp = randomBytes(6).toString('hex');
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  return [
    { ...(await exportJWK(rsa.privateKey)), kid: `rsa-${stamp}`, alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.privateKey)), kid: `ec-${stamp}`, alg: 'ES256', use: 'sig' },
  ];
}

function configuration(keys: JWK[], redirectUris: readonly string[]): Configuration {
  const client = (
    { clientId, clientSecret }: ReferenceClient,
    method: 'client_secret_basic' | 'client_secret_post',
    alg: 'RS256' | 'ES256',
  ): ClientMetadata => ({
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [...redirectUris],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: method,
    id_token_signed_response_alg: alg,
  });
  return {
    clients: [
      client(CLIENTS.basic, 'client_secret_basic', 'RS256'),
      client(CLIENTS.post, 'client_secret_post', 'RS256'),
      client(CLIENTS.es256, 'client_secret_basic', 'ES256'),
    ],
    jwks: { keys: keys as never },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'] },
    scopes: ['openid', 'profile', 'email'],
    claims: { ...SCOPE_CLAIMS },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: true },
    },
    issueRefreshToken: async () => false,
    // Lifetimes of a test run, in seconds (set, so that oidc-provider does not warn of defaults).
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
    },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ ...USER, sub }),
    }),
    renderError: async (ctx, out) => {
      ctx.type = 'application/json';
      ctx.body = out;
    },
  };
}

/** Starts the reference provider on a free loopback port. */
export async function startReferenceProvider(
  redirectUris: readonly string[] = [],
): Promise<ReferenceProvider> {
  const allowed = [...redirectUris];
  let keys = await signingKeys();
  let provider: Provider | undefined;
  const requests: { method: string; path: string }[] = [];

  const interaction = async (req: IncomingMessage, res: ServerResponse, current: Provider) => {
    const details = await current.interactionDetails(req, res);
    if (reference.decision === 'deny') {
      return current.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user refused.' },
        { mergeWithLastSubmission: false },
      );
    }
    const grant = new current.Grant({
      accountId: USER.sub,
      clientId: String(details.params['client_id']),
    });
    grant.addOIDCScope(String(details.params['scope']));
    const grantId = await grant.save();
    return current.interactionFinished(
      req,
      res,
      { login: { accountId: USER.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  };

  const server = createServer((req, res) => {
    const current = provider as Provider;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ method: req.method ?? '', path });
    if (path.startsWith('/interaction/')) {
      interaction(req, res, current).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
      return;
    }
    current.callback()(req, res);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rebuild = () => {
    provider = new Provider(issuer, configuration(keys, allowed));
  };
  rebuild();

  const reference: ReferenceProvider = {
    issuer,
    decision: 'approve',
    requests,
    get kids() {
      return keys.map((key) => key.kid as string);
    },
    async allowRedirect(uri) {
      allowed.push(uri);
      rebuild();
    },
    async rotateKeys() {
      keys = await signingKeys();
      rebuild();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return reference;
}

/**
 * Signs in at the provider as a person would: follows the authorization URL through the
 * interaction (approved or refused per `provider.decision`) until the provider redirects back to
 * the app. Returns that callback URL. `agent` keeps the provider's cookies (its session).
 */
export function signIn(
  provider: ReferenceProvider,
  authorizationUrl: string | URL,
  agent: UserAgent = new UserAgent(),
): Promise<string> {
  return agent.followUntilLeaving(authorizationUrl, provider.issuer);
}

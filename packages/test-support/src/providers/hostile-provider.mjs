// The hostile provider: a small OpenID provider shaped like Neverlose that misbehaves on request.
//
// Why a second fake provider beside neverlose-emulator (the rule is one of each): honest logins
// are proven against real providers, neverlose-emulator (Neverlose's own behaviour, the tool app
// developers run) and oidc-provider (OpenID Certified, reference-provider.ts). This one exists
// for what neither should ever do, and an emulator that could be switched to do it would be a
// worse emulator: id_tokens forged, unsigned, signed with a key it never publishes, or with the
// wrong iss, aud, nonce, at_hash, exp or iat; a wrong or missing RFC 9207 `iss` callback
// parameter; a userinfo about another user; OAuth errors and slow answers injected per test.
// Every switch is a field of `provider.behaviour`, flipped between two logins of one test, and it
// approves every login without a sign-in page, which keeps the unit suites of neverlose-oidc and
// passport-neverlose (and the oidc bench) fast. The conformance suite (test/conformance/) flips
// the same switches per module of the OpenID Foundation's RP test plans: a discovery document
// naming another issuer or no jwks_uri, an id_token without `sub`, `iat`, `nonce` or `kid`, one
// MAC'd with the client secret, a JWK Set with more keys than the one that signs, a callback
// without its `state`, a token endpoint that fails, lies, hangs or is slow; `rotateSigningKey()` rolls the
// key the way Neverlose may. New honest-path tests belong on the emulator or oidc-provider, not
// here (see README.md).
//
// Plain JavaScript so that the bench, which runs the built package with plain Node, can use it.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { SCOPE_CLAIMS, USER } from './user.mjs';

export { USER };

/** @returns {import('./hostile-provider.d.mts').ProviderBehaviour} */
export function defaultBehaviour() {
  return {
    deny: false,
    issParameter: 'correct',
    announceIss: undefined,
    stateParameter: 'echo',
    discovery: 'valid',
    jwks: 'signing-keys',
    idToken: 'valid',
    userinfoSub: undefined,
    tokenError: undefined,
    tokenFailure: undefined,
    tokenDelayMs: 0,
    userinfoStatus: 200,
    jwksStatus: 200,
    delayMs: 0,
  };
}

/** The issuer a lying provider claims in its discovery document and everything it signs. */
const OTHER_ISSUER = 'https://evil.example';
/** How long a hanging token endpoint holds the request: longer than any client waits. */
const TOKEN_HANG_MS = 60_000;

function base64url(buffer) {
  return Buffer.from(buffer).toString('base64url');
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res, status, body, headers = {}) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/**
 * Starts the provider on a random local port.
 * @param {import('./provider.d.mts').ProviderOptions} [options]
 * @returns {Promise<import('./provider.d.mts').TestProvider>}
 */
export async function startProvider(options = {}) {
  const clientId = options.clientId ?? 'test-client';
  const clientSecret = options.clientSecret ?? 'test-secret';
  const legacy = options.legacy === true;
  const announceIss = options.announceIss === true;
  const publicJwk = async (publicKey, kid) => ({
    ...(await exportJWK(publicKey)),
    kid,
    alg: 'RS256',
    use: 'sig',
  });
  /** The key that signs, and every key the JWK Set publishes (the signing key last). */
  const first = await generateKeyPair('RS256');
  let signing = { kid: 'key-1', privateKey: first.privateKey };
  const published = [await publicJwk(first.publicKey, 'key-1')];
  const other = await generateKeyPair('RS256');
  /** Published only with `jwks: 'extra-key'`: a second key that signs nothing. */
  const extraJwk = await publicJwk((await generateKeyPair('RS256')).publicKey, 'key-extra');
  /** Token requests held (`tokenFailure: 'hang'`, `tokenDelayMs`), let go when the provider closes. */
  const held = new Set();
  /** Resolves after `ms`, or never once the provider closed (its connections go with it). */
  const hold = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        held.delete(timer);
        resolve();
      }, ms);
      held.add(timer);
    });

  /** code -> grant */
  const codes = new Map();
  /** access token -> grant */
  const accessTokens = new Map();
  const log = [];
  const provider = {
    issuer: '',
    clientId,
    clientSecret,
    behaviour: defaultBehaviour(),
    log,
    server: undefined,
    async rotateSigningKey() {
      const next = await generateKeyPair('RS256');
      const kid = `key-${published.length + 1}`;
      published.push(await publicJwk(next.publicKey, kid));
      signing = { kid, privateKey: next.privateKey };
      return kid;
    },
    close: () =>
      new Promise((resolve) => {
        for (const timer of held) clearTimeout(timer);
        held.clear();
        provider.server.close(() => resolve());
        provider.server.closeAllConnections();
      }),
  };
  /** The issuer this provider claims: its own, unless its discovery document lies. */
  const claimedIssuer = () =>
    provider.behaviour.discovery === 'issuer-mismatch' ? OTHER_ISSUER : provider.issuer;

  async function idTokenFor(grant, accessToken) {
    const b = provider.behaviour;
    const atHash = base64url(createHash('sha256').update(accessToken).digest().subarray(0, 16));
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: USER.sub,
      nonce: b.idToken === 'wrong-nonce' ? 'not-the-nonce' : grant.nonce,
      at_hash: b.idToken === 'wrong-at-hash' ? base64url(randomBytes(16)) : atHash,
    };
    if (claims.nonce === undefined || b.idToken === 'missing-nonce') delete claims.nonce;
    if (b.idToken === 'missing-sub') delete claims.sub;
    const issuer = b.idToken === 'wrong-iss' ? OTHER_ISSUER : claimedIssuer();
    const audience = b.idToken === 'wrong-aud' ? 'someone-else' : clientId;
    const expires = b.idToken === 'expired' ? now - 600 : now + 3600;
    const issuedAt =
      b.idToken === 'iat-future' ? now + 3600 : b.idToken === 'iat-skewed' ? now + 20 : now;
    if (b.idToken === 'alg-none') {
      const header = base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }));
      const payload = base64url(
        JSON.stringify({ ...claims, iss: issuer, aud: audience, iat: issuedAt, exp: expires }),
      );
      return `${header}.${payload}.`;
    }
    const jwt = new SignJWT(claims).setIssuer(issuer).setAudience(audience);
    jwt.setExpirationTime(expires);
    if (b.idToken !== 'missing-iat') jwt.setIssuedAt(issuedAt);
    if (b.idToken === 'hs256-client-secret') {
      // A MAC anyone holding the client secret can make: never a proof that the provider signed.
      return jwt.setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(clientSecret));
    }
    const key =
      b.idToken === 'bad-signature' || b.idToken === 'unknown-kid'
        ? other.privateKey
        : signing.privateKey;
    const kid = b.idToken === 'unknown-kid' ? 'key-never-published' : signing.kid;
    return jwt
      .setProtectedHeader(b.idToken === 'kid-absent' ? { alg: 'RS256' } : { alg: 'RS256', kid })
      .sign(key);
  }

  async function handle(req, res) {
    const url = new URL(req.url, provider.issuer);
    const b = provider.behaviour;
    log.push({ method: req.method, path: url.pathname });
    if (b.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, b.delayMs));

    if (url.pathname === '/.well-known/openid-configuration' && !legacy) {
      return json(res, 200, {
        issuer: claimedIssuer(),
        authorization_endpoint: `${provider.issuer}/oauth/authorize`,
        token_endpoint: `${provider.issuer}/oauth/token`,
        userinfo_endpoint: `${provider.issuer}/oauth/oidc_userinfo`,
        ...(b.discovery === 'no-jwks-uri' ? {} : { jwks_uri: `${provider.issuer}/oauth/jwks` }),
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['openid', 'profile', 'email', 'no_state', 'no_pkce'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        authorization_response_iss_parameter_supported: b.announceIss ?? announceIss,
      });
    }
    if (url.pathname === '/oauth/jwks' && !legacy) {
      if (b.jwksStatus !== 200) return json(res, b.jwksStatus, { error: 'server_error' });
      const keys = b.jwks === 'extra-key' ? [...published, extraJwk] : published;
      return json(res, 200, { keys });
    }

    if (url.pathname === '/oauth/authorize' && req.method === 'GET') {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri');
      if (q.get('client_id') !== clientId || !redirectUri) {
        return json(res, 400, {
          error: 'invalid_request',
          error_description: 'bad client or redirect',
        });
      }
      const scope = (q.get('scope') ?? '').split(' ');
      const back = new URL(redirectUri);
      const state = q.get('state');
      const fail = (error, description) => {
        back.searchParams.set('error', error);
        if (description) back.searchParams.set('error_description', description);
        if (state) back.searchParams.set('state', state);
        res.writeHead(302, { location: back.href });
        res.end();
      };
      if (!state && !scope.includes('no_state'))
        return fail('invalid_request', 'state is required');
      const challenge = q.get('code_challenge');
      if (!scope.includes('no_pkce')) {
        if (!challenge) return fail('invalid_request', 'PKCE is required');
        if (q.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'S256 only');
      }
      if (b.deny) return fail('access_denied', 'The user refused');
      const code = base64url(randomBytes(24));
      codes.set(code, {
        redirectUri,
        scope,
        challenge,
        nonce: q.get('nonce') ?? undefined,
      });
      back.searchParams.set('code', code);
      if (b.stateParameter === 'wrong') back.searchParams.set('state', base64url(randomBytes(16)));
      else if (state && b.stateParameter === 'echo') back.searchParams.set('state', state);
      if (b.issParameter === 'correct') back.searchParams.set('iss', claimedIssuer());
      if (b.issParameter === 'wrong') back.searchParams.set('iss', OTHER_ISSUER);
      res.writeHead(302, { location: back.href });
      return res.end();
    }

    if (url.pathname === '/oauth/token' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      let id = form.get('client_id');
      let secret = form.get('client_secret');
      const auth = req.headers.authorization;
      if (auth?.startsWith('Basic ')) {
        const [user, pass] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
        id = decodeURIComponent(user);
        secret = decodeURIComponent(pass);
      }
      if (id !== clientId || secret !== clientSecret) {
        const failure = {
          error: 'invalid_client',
          error_description: 'Client authentication failed',
        };
        // Basic credentials are refused with a challenge (RFC 6749 §5.2), which carries the error.
        const challenge = auth?.startsWith('Basic ')
          ? {
              'www-authenticate': `Basic realm="provider", error="${failure.error}", error_description="${failure.error_description}"`,
            }
          : {};
        return json(res, 401, failure, challenge);
      }
      if (b.tokenError) return json(res, 400, { error: b.tokenError });
      if (b.tokenFailure === 'server-error') {
        return json(res, 500, { error: 'server_error', error_description: 'injected' });
      }
      if (b.tokenFailure === 'invalid-json') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        return res.end('{"access_token": "unterminated');
      }
      if (b.tokenFailure === 'hang') {
        // Answers only once every client has given up (or when the provider closes).
        await hold(TOKEN_HANG_MS);
        return json(res, 504, { error: 'temporarily_unavailable' });
      }
      if (b.tokenDelayMs > 0) await hold(b.tokenDelayMs);
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!grant)
        return json(res, 400, { error: 'invalid_grant', error_description: 'unknown code' });
      if (grant.redirectUri !== form.get('redirect_uri')) {
        return json(res, 400, {
          error: 'invalid_grant',
          error_description: 'redirect_uri mismatch',
        });
      }
      if (grant.challenge) {
        const verifier = form.get('code_verifier') ?? '';
        const computed = base64url(createHash('sha256').update(verifier).digest());
        if (computed !== grant.challenge) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE failed' });
        }
      }
      const accessToken = base64url(randomBytes(32));
      accessTokens.set(accessToken, grant);
      const body = {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: grant.scope.join(' '),
      };
      if (!legacy && b.idToken !== 'absent' && grant.scope.includes('openid')) {
        body.id_token = await idTokenFor(grant, accessToken);
      }
      return json(res, 200, body);
    }

    if (url.pathname === '/oauth/oidc_userinfo') {
      const token = req.headers.authorization?.replace(/^Bearer /i, '');
      const grant = token && accessTokens.get(token);
      if (!grant)
        return json(
          res,
          401,
          { error: 'invalid_token' },
          { 'www-authenticate': 'Bearer error="invalid_token"' },
        );
      if (b.userinfoStatus !== 200) return json(res, b.userinfoStatus, { error: 'server_error' });
      const claims = {};
      for (const [scope, names] of Object.entries(SCOPE_CLAIMS)) {
        if (!grant.scope.includes(scope) && scope !== 'openid') continue;
        for (const name of names) claims[name] = USER[name];
      }
      claims.sub = b.userinfoSub ?? USER.sub;
      return json(res, 200, claims);
    }
    return json(res, 404, { error: 'not_found' });
  }

  provider.server = createServer((req, res) => {
    handle(req, res).catch((error) =>
      json(res, 500, { error: 'server_error', error_description: String(error) }),
    );
  });
  provider.server.keepAliveTimeout = 1000;
  await new Promise((resolve) => provider.server.listen(0, '127.0.0.1', resolve));
  const address = provider.server.address();
  provider.issuer = `http://127.0.0.1:${address.port}`;
  return provider;
}

/**
 * Follows the provider's authorize redirect without a browser.
 * @param {URL | string} authorizationUrl
 * @returns {Promise<string>} the callback URL the provider redirected to
 */
export async function authorize(authorizationUrl) {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) {
    throw new Error(`The provider did not redirect (${response.status}): ${await response.text()}`);
  }
  return location;
}

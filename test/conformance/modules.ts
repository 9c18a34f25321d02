import type { ProviderBehaviour } from '@neverlose-toolkit/test-support/hostile-provider';

// The modules of the conformance matrix: those of the OpenID Foundation's Basic RP and Config RP
// test plans that apply to a code-flow client of a provider like Neverlose (openid-client runs
// the same plans, one file per module, in its `conformance/`), named after them where they map,
// and the extras a web app owes its users (the RFC 9207 `iss` parameter, state, a replayed
// callback, a refused consent, a failing token endpoint, open redirects).

/**
 * What a module expects of every surface:
 * - `signs in`: the user is signed in (a friendly module);
 * - `refuses`: nobody is signed in, the browser stays on the app's or the provider's origin,
 *   no answer is a 500 (a refusal is a 4xx, or a deliberate 502/503 page) and the app's process
 *   is still up;
 * - `stays`: the browser never leaves the app's or the provider's origin, nothing answers 500 and
 *   the process is still up, whether the login completed or not (an open redirect's target is
 *   dropped or the login refused).
 */
export type Expectation = 'signs in' | 'refuses' | 'stays';

/**
 * How the browser drives the module:
 * - `login`: a login from the app's login route to wherever it ends;
 * - `replay`: a login that signs in, whose callback (with the cookies the browser sent it) a
 *   second browser then sends again;
 * - `rotation`: a login that signs in, then the provider signs with a new key, then another login.
 */
export type Journey = 'login' | 'replay' | 'rotation';

export interface ConformanceModule {
  /** The row of the table. */
  readonly name: string;
  /**
   * The module of the OpenID Foundation's RP test plans it follows (`oidcc-client-test-<name>`);
   * absent for this suite's own.
   */
  readonly plan?: string;
  /** What the provider does, in a few words. */
  readonly what: string;
  readonly expect: Expectation;
  /** The provider's switches for this module, over its defaults. */
  readonly behaviour?: Partial<ProviderBehaviour>;
  /**
   * The app process the module runs on. Modules about what the app learns once (discovery, the
   * JWK Set it caches) need a process of their own that never saw the honest provider: they
   * name it, and modules that name the same share it. @defaultValue `'default'`
   */
  readonly app?: string;
  /** Where the login asks to return to (through the surface's `returnTo` parameter). */
  readonly returnTo?: string;
  /** @defaultValue `'login'` */
  readonly journey?: Journey;
  /** How long the browser waits for the app's answer. @defaultValue {@link JOURNEY_DEADLINE_MS} */
  readonly deadlineMs?: number;
}

/** How long a journey may take before it counts as not answered. */
export const JOURNEY_DEADLINE_MS = 30_000;

const id = (idToken: ProviderBehaviour['idToken']) => ({ idToken });

export const MODULES: readonly ConformanceModule[] = [
  {
    name: 'happy-path',
    plan: 'oidcc-client-test',
    what: 'an honest login (no RFC 9207 `iss` parameter, none announced)',
    expect: 'signs in',
    behaviour: { issParameter: 'absent' },
  },
  {
    name: 'invalid-iss',
    plan: 'oidcc-client-test-invalid-iss',
    what: 'id_token `iss` is another issuer',
    expect: 'refuses',
    behaviour: id('wrong-iss'),
  },
  {
    name: 'invalid-aud',
    plan: 'oidcc-client-test-invalid-aud',
    what: 'id_token `aud` is another client',
    expect: 'refuses',
    behaviour: id('wrong-aud'),
  },
  {
    name: 'missing-sub',
    plan: 'oidcc-client-test-missing-sub',
    what: 'id_token without `sub`',
    expect: 'refuses',
    behaviour: id('missing-sub'),
  },
  {
    name: 'missing-iat',
    plan: 'oidcc-client-test-missing-iat',
    what: 'id_token without `iat`',
    expect: 'refuses',
    behaviour: id('missing-iat'),
  },
  {
    name: 'iat-in-future',
    what: 'id_token `iat` an hour ahead',
    expect: 'refuses',
    behaviour: id('iat-future'),
  },
  {
    name: 'invalid-expired-exp',
    plan: 'oidcc-client-test-invalid-expired-exp',
    what: 'id_token `exp` ten minutes past',
    expect: 'refuses',
    behaviour: id('expired'),
  },
  {
    name: 'invalid-missing-nonce',
    plan: 'oidcc-client-test-invalid-missing-nonce',
    what: 'id_token without the `nonce` that was sent',
    expect: 'refuses',
    behaviour: id('missing-nonce'),
  },
  {
    name: 'nonce-invalid',
    plan: 'oidcc-client-test-nonce-invalid',
    what: 'id_token `nonce` is another',
    expect: 'refuses',
    behaviour: id('wrong-nonce'),
  },
  {
    name: 'invalid-at-hash',
    what: 'id_token `at_hash` is not the access token’s',
    expect: 'refuses',
    behaviour: id('wrong-at-hash'),
  },
  {
    name: 'invalid-null-alg',
    plan: 'oidcc-client-test-invalid-null-alg',
    what: 'id_token `alg: none`, unsigned',
    expect: 'refuses',
    behaviour: id('alg-none'),
  },
  {
    name: 'invalid-sig-rs256',
    plan: 'oidcc-client-test-invalid-sig-rs256',
    what: 'id_token signature by a key that is not the provider’s',
    expect: 'refuses',
    behaviour: id('bad-signature'),
  },
  {
    name: 'invalid-sig-hs256',
    plan: 'oidcc-client-test-invalid-sig-hs256',
    what: 'id_token HS256, keyed with the client secret',
    expect: 'refuses',
    behaviour: id('hs256-client-secret'),
  },
  {
    name: 'kid-not-in-jwks',
    what: 'id_token signed by a key its JWK Set never publishes',
    expect: 'refuses',
    behaviour: id('unknown-kid'),
  },
  {
    name: 'kid-absent-single-jwks',
    plan: 'oidcc-client-test-kid-absent-single-jwks',
    what: 'id_token header without `kid`, one key published',
    expect: 'signs in',
    behaviour: id('kid-absent'),
  },
  {
    name: 'userinfo-invalid-sub',
    plan: 'oidcc-client-test-userinfo-invalid-sub',
    what: 'userinfo about another `sub`',
    expect: 'refuses',
    behaviour: { userinfoSub: '4242' },
  },
  {
    name: 'invalid-authorization-response-iss',
    what: 'callback `iss` (RFC 9207) is another issuer',
    expect: 'refuses',
    behaviour: { issParameter: 'wrong' },
  },
  {
    name: 'missing-state',
    what: 'callback without its `state`',
    expect: 'refuses',
    behaviour: { stateParameter: 'absent' },
  },
  {
    name: 'invalid-state',
    what: 'callback with another `state`',
    expect: 'refuses',
    behaviour: { stateParameter: 'wrong' },
  },
  {
    name: 'callback-replayed',
    what: 'a completed callback sent again, with the cookies it came with',
    expect: 'refuses',
    journey: 'replay',
  },
  {
    name: 'access-denied',
    what: 'the user declines: `error=access_denied`',
    expect: 'refuses',
    behaviour: { deny: true },
  },
  {
    name: 'token-invalid-grant',
    what: 'token endpoint: 400 `invalid_grant`',
    expect: 'refuses',
    behaviour: { tokenError: 'invalid_grant' },
  },
  {
    name: 'token-server-error',
    what: 'token endpoint: 500',
    expect: 'refuses',
    behaviour: { tokenFailure: 'server-error' },
  },
  {
    name: 'token-invalid-json',
    what: 'token endpoint: 200 with a body that is not JSON',
    expect: 'refuses',
    behaviour: { tokenFailure: 'invalid-json' },
  },
  {
    name: 'token-timeout',
    what: 'token endpoint: no answer for a minute',
    expect: 'refuses',
    behaviour: { tokenFailure: 'hang' },
  },
  {
    // Within the core's 10 s request timeout: a surface whose framework gives up sooner (next-auth
    // v4's openid-client defaults to 3.5 s) fails logins the core completes.
    name: 'token-slow',
    what: 'token endpoint: answers after 5 s',
    expect: 'signs in',
    behaviour: { tokenDelayMs: 5000 },
  },
  {
    name: 'open-redirect-absolute',
    what: 'login asked to return to `https://evil.example/`',
    expect: 'stays',
    returnTo: 'https://evil.example/',
  },
  {
    name: 'open-redirect-scheme-relative',
    what: 'login asked to return to `//evil.example/`',
    expect: 'stays',
    returnTo: '//evil.example/',
  },
  {
    name: 'open-redirect-backslash',
    what: 'login asked to return to `/\\evil.example/`',
    expect: 'stays',
    returnTo: '/\\evil.example/',
  },
  {
    name: 'authorization-response-iss',
    what: 'discovery announces RFC 9207; callback `iss` is the issuer',
    expect: 'signs in',
    app: 'announces RFC 9207',
    behaviour: { announceIss: true, issParameter: 'correct' },
  },
  {
    name: 'remove-authorization-response-iss',
    what: 'discovery announces RFC 9207; callback without `iss`',
    expect: 'refuses',
    app: 'announces RFC 9207',
    behaviour: { announceIss: true, issParameter: 'absent' },
  },
  {
    name: 'discovery-issuer-mismatch',
    plan: 'oidcc-client-test-discovery-issuer-mismatch',
    what: 'discovery names another issuer (and signs as it)',
    expect: 'refuses',
    app: 'discovery-issuer-mismatch',
    behaviour: { discovery: 'issuer-mismatch' },
  },
  {
    name: 'discovery-jwks-uri-missing',
    what: 'discovery without `jwks_uri`',
    expect: 'refuses',
    app: 'discovery-jwks-uri-missing',
    behaviour: { discovery: 'no-jwks-uri' },
  },
  {
    name: 'kid-absent-multiple-jwks',
    plan: 'oidcc-client-test-kid-absent-multiple-jwks',
    what: 'id_token header without `kid`, several keys published',
    expect: 'refuses',
    app: 'kid-absent-multiple-jwks',
    behaviour: { idToken: 'kid-absent', jwks: 'extra-key' },
  },
  {
    // Last: the provider keeps its new key for any module after it. An app of its own, so that
    // the login before the rotation is the app's first use of the JWK Set: a client that will
    // not fetch it again for a while after a fetch (jose's default cooldown is 30 s) is caught.
    name: 'signing-key-rotation',
    plan: 'oidcc-client-test-signing-key-rotation',
    what: 'right after the app’s first login, the provider signs with a new key, published beside the old',
    expect: 'signs in',
    app: 'signing-key-rotation',
    journey: 'rotation',
  },
];

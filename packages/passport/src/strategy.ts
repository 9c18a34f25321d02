import {
  createNeverloseClient,
  isNeverloseOidcError,
  isUserError,
  type NeverloseClient,
  type NeverloseClientOptions,
  NeverloseOidcError,
  type TransactionStore,
  validateClientOptions,
  validateReturnTo,
} from 'neverlose-oidc';
import { Strategy as PassportStrategy } from 'passport-strategy';
import type {
  NeverloseAuthenticateOptions,
  NeverloseStrategyOptions,
  VerifyCallback,
  VerifyFunction,
  VerifyFunctionWithRequest,
} from './options.js';
import { asError, createOutcome, type Outcome } from './outcome.js';
import { toPassportProfile } from './profile.js';
import { requestOrigin, requestPath, type StrategyRequest } from './request-url.js';
import { MISSING_SESSION_MESSAGE, type SessionLike, sessionStore } from './state/session-store.js';

/** The store key of a login started with the `no_state` scope. */
const NO_STATE_KEY = '-';

function configurationError(message: string): NeverloseOidcError {
  return new NeverloseOidcError('ERR_CONFIGURATION', message);
}

function scopesOf(scope: NeverloseStrategyOptions['scope']): readonly string[] | undefined {
  if (scope === undefined) return undefined;
  if (typeof scope === 'string') return scope.split(/[\s,]+/).filter(Boolean);
  return scope;
}

/**
 * Passport strategy for Login with Neverlose: OpenID Connect code flow with S256 PKCE, `state`
 * and `nonce`, id_token checks and userinfo, on top of neverlose-oidc.
 *
 * - Start: `app.get('/auth/neverlose', passport.authenticate('neverlose'))` redirects to Neverlose
 *   after saving the transaction in the session.
 * - Callback: `app.get('/auth/neverlose/callback', passport.authenticate('neverlose', {...}))`.
 *   What the user did (denied consent, a stale, replayed or forged callback) ends in `fail`
 *   (403, with a message); what the provider or network did ends in `error`.
 * - `returnTo` comes back as `req.authInfo.returnTo`, which survives Passport's session
 *   regeneration.
 *
 * @example
 * ```ts
 * passport.use(new NeverloseStrategy(
 *   { clientID: 'my-app', clientSecret: process.env.NEVERLOSE_SECRET, callbackURL: '/auth/neverlose/callback' },
 *   (accessToken, profile, done) => done(null, { id: profile.id, name: profile.username }),
 * ));
 * ```
 */
export class NeverloseStrategy extends PassportStrategy {
  /** The strategy name for `passport.authenticate()`: `'neverlose'`. */
  name = 'neverlose';

  private readonly _clientOptions: NeverloseClientOptions;
  private readonly _verify: VerifyFunction | VerifyFunctionWithRequest;
  private readonly _passReqToCallback: boolean;
  private readonly _callbackURL: string;
  private readonly _absoluteCallback: boolean;
  private readonly _store: TransactionStore | undefined;
  private readonly _sessionKey: string;
  private readonly _proxy: boolean;
  private readonly _returnToParam: string | undefined;
  // Passport runs each request on Object.create(strategy): state must live in a shared object,
  // and no member can be #private.
  private readonly _shared: { client: Promise<NeverloseClient> | undefined } = {
    client: undefined,
  };

  constructor(
    options: NeverloseStrategyOptions & { passReqToCallback: true },
    verify: VerifyFunctionWithRequest,
  );
  constructor(
    options: NeverloseStrategyOptions & { passReqToCallback?: false },
    verify: VerifyFunction,
  );
  constructor(
    options: NeverloseStrategyOptions,
    verify: VerifyFunction | VerifyFunctionWithRequest,
  ) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw configurationError('NeverloseStrategy requires an options object.');
    }
    if (typeof verify !== 'function') {
      throw configurationError('NeverloseStrategy requires a verify function as second argument.');
    }
    if (typeof options.callbackURL !== 'string' || options.callbackURL === '') {
      throw configurationError('Invalid option "callbackURL": must be an absolute URL or a path.');
    }
    this._absoluteCallback = !options.callbackURL.startsWith('/');
    if (!this._absoluteCallback && options.callbackURL.startsWith('//')) {
      throw configurationError('Invalid option "callbackURL": a path must not start with "//".');
    }
    if (options.store !== undefined) {
      const { store } = options;
      if (typeof store?.set !== 'function' || typeof store?.take !== 'function') {
        throw configurationError('Invalid option "store": must have set() and take() methods.');
      }
    }
    const scopes = scopesOf(options.scope);
    this._clientOptions = {
      clientId: options.clientID,
      ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
      ...(this._absoluteCallback ? { redirectUri: options.callbackURL } : {}),
      ...(scopes === undefined ? {} : { scopes }),
      ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
      ...(options.endpoints === undefined ? {} : { endpoints: options.endpoints }),
      ...(options.clientAuthentication === undefined
        ? {}
        : { clientAuthentication: options.clientAuthentication }),
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      ...(options.transactionTtl === undefined ? {} : { transactionTtl: options.transactionTtl }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.dangerouslyAllowInsecureHttp === undefined
        ? {}
        : { dangerouslyAllowInsecureHttp: options.dangerouslyAllowInsecureHttp }),
    };
    // Fail at startup, not at the first login. Field names are those of neverlose-oidc.
    validateClientOptions(this._clientOptions);
    this._verify = verify;
    this._passReqToCallback = options.passReqToCallback === true;
    this._callbackURL = options.callbackURL;
    this._store = options.store;
    this._sessionKey = options.sessionKey ?? 'neverlose:transactions';
    this._proxy = options.proxy === true;
    this._returnToParam = options.returnToParam;
  }

  /**
   * Extra authorization request parameters for one login. Override it to add `prompt` or
   * `login_hint` from the request; by default it returns `options.authorizationParams`.
   */
  authorizationParams(options: NeverloseAuthenticateOptions): Record<string, string> {
    return { ...options.authorizationParams };
  }

  /** The neverlose-oidc client, created (discovery) on first use and shared afterwards. */
  client(): Promise<NeverloseClient> {
    const shared = this._shared;
    if (shared.client === undefined) {
      const created = createNeverloseClient(this._clientOptions);
      shared.client = created;
      // A failed discovery is retried by the next login instead of being cached forever.
      created.catch(() => {
        if (shared.client === created) shared.client = undefined;
      });
    }
    return shared.client;
  }

  /**
   * Starts a login, or completes one when the request carries `code`, `error` or `state`. Never
   * throws and never leaves a promise rejected: every outcome is one Passport action, `fail` for
   * what the user did and `error` for what the server did (see {@link createOutcome}).
   */
  override authenticate(req: StrategyRequest, options: NeverloseAuthenticateOptions = {}): void {
    const outcome = createOutcome(this, req);
    const run = async (): Promise<void> => {
      const query =
        req.query ?? Object.fromEntries(new URL(requestPath(req), 'http://x').searchParams);
      const isCallback =
        query.code !== undefined || query.error !== undefined || query.state !== undefined;
      if (isCallback) await this._callback(req, query, outcome);
      else await this._start(req, options, query, outcome);
    };
    run().catch((error: unknown) => this._reportError(error, outcome));
  }

  private _reportError(error: unknown, outcome: Outcome): void {
    if (
      !isNeverloseOidcError(error) ||
      !(isUserError(error) || error.code === 'ERR_TRANSACTION_STORE_FULL')
    ) {
      outcome.error(asError(error));
      return;
    }
    // ERR_TRANSACTION_STORE_FULL: too many logins in flight; the user may try again later.
    const status =
      error.code === 'ERR_RETURN_TO_INVALID'
        ? 400
        : error.code === 'ERR_TRANSACTION_STORE_FULL'
          ? 503
          : 403;
    outcome.fail({ message: error.message, code: error.code }, status);
  }

  private _storeFor(req: StrategyRequest): {
    store: TransactionStore;
    session: SessionLike | undefined;
  } {
    if (this._store !== undefined) return { store: this._store, session: undefined };
    const session = req.session as SessionLike | undefined;
    if (typeof session !== 'object' || session === null || typeof session.save !== 'function') {
      throw configurationError(MISSING_SESSION_MESSAGE);
    }
    return { store: sessionStore(session, this._sessionKey), session };
  }

  private async _start(
    req: StrategyRequest,
    options: NeverloseAuthenticateOptions,
    query: Record<string, unknown>,
    outcome: Outcome,
  ): Promise<void> {
    const { store, session } = this._storeFor(req);
    let returnTo = options.returnTo;
    if (returnTo === undefined && this._returnToParam !== undefined) {
      const fromQuery = query[this._returnToParam];
      if (fromQuery !== undefined) returnTo = validateReturnTo(fromQuery);
    }
    const client = await this.client();
    const { url, transaction } = await client.startAuthorization({
      ...(returnTo === undefined ? {} : { returnTo }),
      extraParams: this.authorizationParams(options),
      ...(this._absoluteCallback
        ? {}
        : { redirectUri: new URL(this._callbackURL, requestOrigin(req, this._proxy)).href }),
    });
    await store.set(transaction.state ?? NO_STATE_KEY, transaction, client.transactionTtl);
    if (session === undefined) return outcome.redirect(url.href);
    // Save before redirecting: the callback can arrive before a lazy save would finish.
    await new Promise<void>((resolve, reject) => {
      session.save((error) => (error ? reject(asError(error)) : resolve()));
    });
    outcome.redirect(url.href);
  }

  private async _callback(
    req: StrategyRequest,
    query: Record<string, unknown>,
    outcome: Outcome,
  ): Promise<void> {
    const { store } = this._storeFor(req);
    const state = typeof query.state === 'string' ? query.state : undefined;
    const client = await this.client();
    const noState = client.scopes.includes('no_state');
    const transaction =
      state !== undefined
        ? await store.take(state)
        : noState
          ? await store.take(NO_STATE_KEY)
          : undefined;
    if (transaction === undefined && state === undefined && !noState) {
      throw new NeverloseOidcError(
        'ERR_STATE_MISMATCH',
        'The callback has no "state" parameter: start the login again.',
      );
    }
    const result = await client.completeAuthorization(requestPath(req), transaction);
    const profile = toPassportProfile(result.profile);
    const info = { returnTo: result.returnTo, claims: result.claims, tokens: result.tokens };
    // The first call counts; the outcome ignores later ones, and nothing thrown escapes it.
    const done: VerifyCallback = (error, user, verifyInfo) => {
      if (error) return outcome.error(asError(error));
      if (!user) return outcome.fail(verifyInfo ?? { message: 'The user was not accepted.' }, 403);
      outcome.success(user, { ...info, ...(typeof verifyInfo === 'object' ? verifyInfo : {}) });
    };
    try {
      if (this._passReqToCallback) {
        (this._verify as VerifyFunctionWithRequest)(req, result.tokens.accessToken, profile, done);
      } else {
        (this._verify as VerifyFunction)(result.tokens.accessToken, profile, done);
      }
    } catch (error) {
      // A verify function that threw after calling done has already decided the outcome.
      outcome.error(asError(error));
    }
  }
}

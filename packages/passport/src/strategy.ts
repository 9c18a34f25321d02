import {
  createNeverloseClient,
  isNeverloseOidcError,
  isUserError,
  type NeverloseClient,
  type NeverloseClientOptions,
  NeverloseOidcError,
  type TransactionStore,
  validateReturnTo,
} from 'neverlose-oidc';
import { failureStatus, type NeverloseFailure } from './failure.js';
import type {
  NeverloseAuthenticateOptions,
  NeverloseStrategyOptions,
  PassportStyleStrategyOptions,
  VerifyCallback,
  VerifyFunction,
  VerifyFunctionWithRequest,
} from './options.js';
import { asError, createOutcome, type Outcome, type PassportActions } from './outcome.js';
import { toPassportProfile } from './profile.js';
import { requestOrigin, requestPath, requestQuery, type StrategyRequest } from './request-url.js';
import { isClient, strategySetup } from './setup.js';
import {
  isSessionLike,
  MISSING_SESSION_MESSAGE,
  type SessionLike,
  sessionStore,
} from './state/session-store.js';

/** The store key of a login started with the `no_state` scope. */
const NO_STATE_KEY = '-';

function configurationError(message: string): NeverloseOidcError {
  return new NeverloseOidcError('ERR_CONFIGURATION', message);
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
 * It needs no base class: Passport only calls `authenticate`, on a copy of the strategy it gives
 * `success`, `fail`, `redirect` and `error`.
 *
 * @example
 * ```ts
 * passport.use(new NeverloseStrategy(
 *   {
 *     client: { clientId: 'my-app', clientSecret: process.env.NEVERLOSE_SECRET },
 *     callbackURL: '/auth/neverlose/callback',
 *   },
 *   (accessToken, profile, done) => done(null, { id: profile.id, name: profile.username }),
 * ));
 * ```
 */
export class NeverloseStrategy {
  /** The strategy name for `passport.authenticate()`: `'neverlose'`. */
  name = 'neverlose';
  /** Set by Passport on the copy of the strategy that handles one request. */
  declare success: PassportActions['success'];
  /** Set by Passport on the copy of the strategy that handles one request. */
  declare fail: PassportActions['fail'];
  /** Set by Passport on the copy of the strategy that handles one request. */
  declare redirect: PassportActions['redirect'];
  /** Set by Passport on the copy of the strategy that handles one request. */
  declare error: PassportActions['error'];

  private readonly _clientOptions: NeverloseClientOptions | undefined;
  private readonly _verify: VerifyFunction | VerifyFunctionWithRequest;
  private readonly _passReqToCallback: boolean;
  private readonly _callbackURL: string | undefined;
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
  /** @deprecated Pass `{ client: { clientId, ... }, callbackURL }`: see {@link PassportStyleStrategyOptions}. */
  constructor(
    options: PassportStyleStrategyOptions & { passReqToCallback: true },
    verify: VerifyFunctionWithRequest,
  );
  /** @deprecated Pass `{ client: { clientId, ... }, callbackURL }`: see {@link PassportStyleStrategyOptions}. */
  constructor(
    options: PassportStyleStrategyOptions & { passReqToCallback?: false },
    verify: VerifyFunction,
  );
  constructor(
    options: NeverloseStrategyOptions | PassportStyleStrategyOptions,
    verify: VerifyFunction | VerifyFunctionWithRequest,
  ) {
    const setup = strategySetup(options);
    if (typeof verify !== 'function') {
      throw configurationError('NeverloseStrategy requires a verify function as second argument.');
    }
    if (isClient(setup.client)) {
      this._clientOptions = undefined;
      this._shared.client = Promise.resolve(setup.client);
    } else {
      this._clientOptions = setup.client;
    }
    this._verify = verify;
    this._passReqToCallback = options.passReqToCallback === true;
    this._callbackURL = setup.callbackURL;
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

  /**
   * The neverlose-oidc client: the one given, or one created (with discovery) on first use and
   * shared afterwards.
   */
  client(): Promise<NeverloseClient> {
    const shared = this._shared;
    if (shared.client === undefined && this._clientOptions !== undefined) {
      const created = createNeverloseClient(this._clientOptions);
      shared.client = created;
      // A failed discovery is retried by the next login instead of being cached forever.
      created.catch(() => {
        if (shared.client === created) shared.client = undefined;
      });
    }
    return shared.client as Promise<NeverloseClient>;
  }

  /**
   * Starts a login, or completes one when the request carries `code`, `error` or `state`. Never
   * throws and never leaves a promise rejected: every outcome is one Passport action, `fail` for
   * what the user did and `error` for what the server did (see {@link createOutcome}).
   */
  authenticate(req: StrategyRequest, options: NeverloseAuthenticateOptions = {}): void {
    const outcome = createOutcome(this, req);
    const run = async (): Promise<void> => {
      const query = req.query ?? requestQuery(req);
      const isCallback =
        query.code !== undefined || query.error !== undefined || query.state !== undefined;
      if (isCallback) await this._callback(req, query, outcome);
      else await this._start(req, options, query, outcome);
    };
    run().catch((error: unknown) => this._reportError(error, outcome));
  }

  private _reportError(error: unknown, outcome: Outcome): void {
    if (
      isUserError(error) ||
      isNeverloseOidcError(error, 'ERR_TRANSACTION_STORE_FULL') ||
      isNeverloseOidcError(error, 'ERR_TEMPORARILY_UNAVAILABLE')
    ) {
      const failure: NeverloseFailure = { message: error.message, code: error.code };
      outcome.fail(failure, failureStatus(error.code));
      return;
    }
    if (isStoreFull(error)) {
      // A store of another package (neverlose-redis, neverlose-postgres) throws its own error
      // class with the code of the TransactionStore contract.
      outcome.fail(
        { message: error.message, code: 'ERR_TRANSACTION_STORE_FULL' },
        failureStatus('ERR_TRANSACTION_STORE_FULL'),
      );
      return;
    }
    outcome.error(asError(error));
  }

  private _storeFor(req: StrategyRequest): {
    store: TransactionStore;
    session: SessionLike | undefined;
  } {
    if (this._store !== undefined) return { store: this._store, session: undefined };
    const { session } = req;
    if (!isSessionLike(session)) throw configurationError(MISSING_SESSION_MESSAGE);
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
      ...(this._callbackURL === undefined
        ? {}
        : { redirectUri: this._redirectUri(req, this._callbackURL) }),
    });
    await store.set(transaction.state ?? NO_STATE_KEY, transaction, client.transactionTtl);
    // Save a stored session before redirecting: the callback can arrive before a lazy save would
    // finish. A cookie session (no `save`) is written into the redirect itself.
    const save = session?.save;
    if (typeof save === 'function') {
      await new Promise<void>((resolve, reject) => {
        save.call(session, (error) => (error ? reject(asError(error)) : resolve()));
      });
    }
    outcome.redirect(url.href);
  }

  /** The redirect URI of a login: `callbackURL` itself, or resolved against the request. */
  private _redirectUri(req: StrategyRequest, callbackURL: string): string {
    if (!callbackURL.startsWith('/')) return callbackURL;
    return new URL(callbackURL, requestOrigin(req, this._proxy)).href;
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

/** The `TransactionStore` contract's "full" refusal, whichever package's error class carries it. */
function isStoreFull(error: unknown): error is Error & { code: 'ERR_TRANSACTION_STORE_FULL' } {
  return (
    error instanceof Error && (error as { code?: unknown }).code === 'ERR_TRANSACTION_STORE_FULL'
  );
}

import {
  createNeverloseClient,
  httpStatusOf,
  isNeverloseOidcError,
  type NeverloseClient,
  type NeverloseClientOptions,
  NeverloseOidcError,
  type TransactionStore,
  validateReturnTo,
} from 'neverlose-oidc';
import { warnDeveloper } from './diagnostics.js';
import type { NeverloseFailure, NeverloseFailureCode } from './failure.js';
import type {
  NeverloseAuthenticateOptions,
  NeverloseStrategyOptions,
  VerifyCallback,
  VerifyFunction,
  VerifyFunctionWithRequest,
} from './options.js';
import { asError, createOutcome, type Outcome, type PassportActions } from './outcome.js';
import { toPassportProfile } from './profile.js';
import { requestOrigin, requestPath, requestQuery, type StrategyRequest } from './request-url.js';
import { isClient, strategySetup } from './setup.js';
import { pendingLogins } from './state/pending-logins.js';

/**
 * Passport strategy for Login with Neverlose: OpenID Connect code flow with S256 PKCE, `state`
 * and `nonce`, id_token checks and userinfo, on top of neverlose-oidc. Every login is bound to
 * the browser that started it: a callback URL opened in another browser signs nobody in.
 *
 * - Start: `app.get('/auth/neverlose', passport.authenticate('neverlose'))` redirects to Neverlose
 *   after saving the transaction in the session (or the `store`, with a login cookie).
 * - Callback: `app.get('/auth/neverlose/callback', passport.authenticate('neverlose', {...}))`.
 *   What the user did (denied consent, a stale, replayed, forged or foreign callback) ends in
 *   `fail` (403 or 400, with a message); what the provider or network did ends in `error`
 *   (`httpStatusOf(error)` is 502).
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
  constructor(
    options: NeverloseStrategyOptions,
    verify: VerifyFunction | VerifyFunctionWithRequest,
  ) {
    const setup = strategySetup(options);
    if (typeof verify !== 'function') {
      throw new NeverloseOidcError(
        'ERR_INVALID_ARGUMENT',
        'Invalid argument "verify" of NeverloseStrategy: must be a function (the second argument).',
      );
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

  /**
   * What the user did, and "try again shortly", end in `fail` with the status of `httpStatusOf`
   * (a full store of any package included); the rest in `error`: what the provider, the network
   * or a store that could not do its part did (`httpStatusOf` answers the last 503).
   */
  private _reportError(error: unknown, outcome: Outcome): void {
    const status = httpStatusOf(error);
    const coded =
      isNeverloseOidcError(error) ||
      (error as { code?: unknown } | null)?.code === 'ERR_TRANSACTION_STORE_FULL';
    if (coded && status !== undefined && status !== 502) {
      const { code, message } = error as { code: NeverloseFailureCode; message: string };
      if (code === 'ERR_TRANSACTION_MISSING') {
        // Most often a development set-up that loses its cookie (localhost against 127.0.0.1):
        // say it where the developer looks, not only in NODE_DEBUG.
        warnDeveloper(code, `passport-neverlose: a login failed (${code}): ${message}`);
      }
      const failure: NeverloseFailure = { message, code };
      outcome.fail(failure, status);
      return;
    }
    outcome.error(asError(error));
  }

  private async _start(
    req: StrategyRequest,
    options: NeverloseAuthenticateOptions,
    query: Record<string, unknown>,
    outcome: Outcome,
  ): Promise<void> {
    const logins = pendingLogins(req, { store: this._store, sessionKey: this._sessionKey });
    let returnTo = options.returnTo;
    if (returnTo === undefined && this._returnToParam !== undefined) {
      const fromQuery = query[this._returnToParam];
      if (fromQuery !== undefined) returnTo = validateReturnTo(fromQuery);
    }
    const client = await this.client();
    const redirectUri = this._loginRedirectUri(req, client);
    warnOfAnotherLoopbackHost(req, redirectUri);
    const started = await client.startAuthorization({
      ...(returnTo === undefined ? {} : { returnTo }),
      extraParams: this.authorizationParams(options),
      ...(this._callbackURL === undefined ? {} : { redirectUri }),
    });
    await logins.keep(started, client.transactionTtl);
    // Save a stored session before redirecting: the callback can arrive before a lazy save would
    // finish. A cookie session (no `save`) is written into the redirect itself.
    const { session } = logins;
    const save = session?.save;
    if (typeof save === 'function') {
      await new Promise<void>((resolve, reject) => {
        save.call(session, (error) => (error ? reject(asError(error)) : resolve()));
      });
    }
    outcome.redirect(started.url.href);
  }

  /**
   * The redirect URI of this request's logins: `callbackURL`, resolved against the request's
   * public origin when it is a path (`proxy`, Express's `trust proxy`), else the client's.
   */
  private _loginRedirectUri(req: StrategyRequest, client: NeverloseClient): string {
    const callbackURL = this._callbackURL;
    if (callbackURL === undefined) return client.redirectUri as string;
    if (!callbackURL.startsWith('/')) return callbackURL;
    return new URL(callbackURL, requestOrigin(req, this._proxy)).href;
  }

  private async _callback(
    req: StrategyRequest,
    query: Record<string, unknown>,
    outcome: Outcome,
  ): Promise<void> {
    const logins = pendingLogins(req, { store: this._store, sessionKey: this._sessionKey });
    const state = typeof query.state === 'string' ? query.state : undefined;
    const client = await this.client();
    if (state === undefined && !client.scopes.includes('no_state')) {
      throw new NeverloseOidcError(
        'ERR_STATE_MISMATCH',
        'The callback has no "state" parameter: start the login again.',
      );
    }
    const { transaction, binding } = await logins.take(state, this._loginRedirectUri(req, client));
    const result = await client.completeAuthorization(requestPath(req), transaction, binding);
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

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Warns when a login starts on one loopback host and its callback goes to another (`localhost`
 * against `127.0.0.1`): the browser keeps cookies per host, so the cookie set now will not come
 * back with the callback, and the login will fail with `ERR_TRANSACTION_MISSING`.
 */
function warnOfAnotherLoopbackHost(req: StrategyRequest, redirectUri: string): void {
  let here: URL;
  try {
    here = new URL(requestOrigin(req, false));
  } catch {
    return;
  }
  const there = new URL(redirectUri);
  if (LOOPBACK.has(here.hostname) && LOOPBACK.has(there.hostname) && here.host !== there.host) {
    warnDeveloper(
      'loopback-host',
      `passport-neverlose: this login started at ${here.origin}, but its callback goes to ${there.origin}. A browser keeps cookies per host, so the login's cookie will not come back and the login will fail (ERR_TRANSACTION_MISSING): open the app at ${there.origin}.`,
    );
  }
}

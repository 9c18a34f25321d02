import { createHash } from 'node:crypto';
import { JournalError } from '../journal/errors.js';
import type { IdJournal, JournalEntry } from '../journal/journal.js';
import { encodeSignedRequest, signRequest } from '../signing/request-body.js';
import { MarketApiError, MarketInputError, MarketTransportError } from './errors.js';
import {
  type ActionOptions,
  type CallOptions,
  FLOAT_FIELDS,
  type GetBalanceResult,
  type GetPricesParams,
  type GetPricesResult,
  type GiftProductParams,
  type GiveForFreeParams,
  type IntegrationVisibilityParams,
  type IsUserExistsParams,
  type IsUserExistsResult,
  type IsUserInvitedParams,
  type IsUserInvitedResult,
  isActionMethod,
  type MarketActionName,
  type MarketMethodName,
  readResult,
  type SetResellerPricesParams,
  type SettingResult,
  type TransferMoneyParams,
  type WireParams,
  wireParams,
} from './methods.js';
import { type ReplyFields, readReply } from './replies.js';
import {
  decodeRequestId,
  encodeRequestId,
  generateRequestId,
  keyRequestId,
  type RequestId,
  validateRequestId,
} from './request-id.js';
import { type FetchLike, postWithRetries, type TransportSettings } from './transport.js';

/** The market API endpoint (since December 2024). */
export const MARKET_API_BASE_URL = 'https://user-api.neverlose.cc/api/market';
/** The old endpoint: still answered, discouraged by the provider. */
export const LEGACY_MARKET_API_BASE_URL = 'https://neverlose.cc/api/market';

/** Options of {@link MarketClient}. */
export interface MarketClientOptions {
  /**
   * Your user id (market API settings page), sent as `user_id`.
   *
   * @example `1`
   */
  readonly userId: number | bigint;
  /**
   * Your market API key. It signs every request and never leaves the process.
   *
   * @example `process.env.NEVERLOSE_API_KEY!`
   */
  readonly secret: string;
  /**
   * The API root; the method name is appended. Plain `http:` is refused except to a loopback host
   * (tests, local emulators).
   *
   * @defaultValue {@link MARKET_API_BASE_URL} (`https://user-api.neverlose.cc/api/market`)
   * @example `{ baseUrl: LEGACY_MARKET_API_BASE_URL }`
   */
  readonly baseUrl?: string;
  /**
   * Time limit of each attempt (connect, send, read the reply), in milliseconds.
   *
   * @defaultValue `10000`
   */
  readonly timeoutMs?: number;
  /**
   * How many times a network error, timeout or 5xx is retried (with the same id, after a jittered
   * exponential delay). API errors are never retried.
   *
   * @defaultValue `3`
   */
  readonly retries?: number;
  /**
   * The first retry waits up to this long; each further retry doubles the ceiling (full jitter).
   *
   * @defaultValue `250`
   */
  readonly retryBaseMs?: number;
  /**
   * The ceiling of any retry delay, in milliseconds.
   *
   * @defaultValue `8000`
   */
  readonly retryMaxMs?: number;
  /**
   * The `fetch` to call.
   *
   * @defaultValue `globalThis.fetch` (undici: connections are kept alive and reused)
   * @example `{ fetch: (url, init) => myFetch(url, init) }`
   */
  readonly fetch?: FetchLike;
  /**
   * Reuse connections between calls. `false` sends `connection: close` on every request.
   *
   * @defaultValue `true`
   */
  readonly reuseConnections?: boolean;
  /**
   * Durable record of every action, written before the request leaves: business keys keep their
   * request id forever and {@link MarketClient.resumePending} finishes operations a crash
   * interrupted. Without it, an id lives only as long as the call.
   *
   * @defaultValue none
   * @example `{ journal: await openSqliteJournal('market-journal.db') }`
   */
  readonly journal?: IdJournal;
  /**
   * Text before generated request ids, of `A-Z a-z 0-9 . - _`.
   *
   * @defaultValue `''`
   * @example `{ idPrefix: 'shop1-' }`
   */
  readonly idPrefix?: string;
}

interface ActionBase {
  readonly method: MarketActionName;
  /** The request id the action was sent with. */
  readonly id: RequestId;
  /** The business key, when one was given. */
  readonly key: string | undefined;
  /** HTTP attempts made by this call (0 when the journal already knew the outcome). */
  readonly attempts: number;
  /** The outcome was read from the journal: nothing was sent. */
  readonly fromJournal: boolean;
}

/** The action was applied by this request; `reply` is the API's answer. */
export interface ActionCompleted extends ActionBase {
  readonly status: 'completed';
  readonly reply: ReplyFields;
}

/**
 * The provider answered `Invalid id.` to an id that names this operation alone (a retry, an id the
 * journal holds, an id derived from `key`, or `resend: true`): an earlier send of it was applied,
 * by an attempt whose answer was lost, by another instance sharing the journal, or by an earlier
 * call with the same key. The action is done, exactly once; there is no reply to show.
 */
export interface ActionAlreadyCompleted extends ActionBase {
  readonly status: 'already-completed';
}

/**
 * Outcome of an action: switch on `status`. Both mean the action is applied exactly once; failures
 * are thrown ({@link MarketApiError}, {@link MarketTransportError}).
 */
export type ActionResult = ActionCompleted | ActionAlreadyCompleted;

/** What {@link MarketClient.resumePending} did with one pending operation. */
export type ResumeReport =
  | (ActionResult & { readonly key: string })
  | {
      readonly status: 'failed';
      readonly key: string;
      readonly method: string;
      readonly id: RequestId;
      /** The final API error; the operation is marked failed. */
      readonly error: MarketApiError;
    }
  | {
      readonly status: 'still-pending';
      readonly key: string;
      readonly method: string;
      readonly id: RequestId;
      /** Why no answer came back; run `resumePending()` again later. */
      readonly error: unknown;
    };

/** An action's outcome before the caller's key is attached. */
type JournaledOutcome = ActionResult extends infer R
  ? R extends unknown
    ? Omit<R, 'key'>
    : never
  : never;

/**
 * Typed client of the Neverlose market API: one method per documented endpoint, every request
 * signed over exactly the bytes sent, actions idempotent by request id.
 *
 * @example
 * ```ts
 * const client = new MarketClient({
 *   userId: 1,
 *   secret: process.env.NEVERLOSE_API_KEY!,
 *   journal: await openSqliteJournal('market-journal.db'),
 * });
 * await client.resumePending();
 * const result = await client.giftProduct({ key: order.id, username: 'darth', product: 'cs2', days: 30 });
 * if (result.status === 'already-completed') console.log('was applied before the crash');
 * ```
 */
export class MarketClient {
  readonly #userId: number | bigint;
  readonly #secret: string;
  readonly #baseUrl: string;
  readonly #transport: TransportSettings;
  readonly #journal: IdJournal | undefined;
  readonly #idPrefix: string;
  readonly #inflight = new Map<string, Promise<JournaledOutcome>>();

  constructor(options: MarketClientOptions) {
    const fail = (message: string): never => {
      throw new MarketInputError('ERR_MARKET_INVALID_OPTIONS', `MarketClient: ${message}`);
    };
    const { userId, secret } = options;
    if (
      !(
        (typeof userId === 'number' && Number.isSafeInteger(userId) && userId > 0) ||
        (typeof userId === 'bigint' && userId > 0n)
      )
    ) {
      fail('"userId" must be a positive integer');
    }
    if (typeof secret !== 'string' || secret.length === 0)
      fail('"secret" must be a non-empty string');
    this.#userId = userId;
    this.#secret = secret;
    this.#baseUrl = checkBaseUrl(options.baseUrl ?? MARKET_API_BASE_URL, fail);
    const count = (
      name: string,
      value: number | undefined,
      fallback: number,
      min: number,
    ): number => {
      const result = value ?? fallback;
      if (!Number.isSafeInteger(result) || result < min)
        fail(`"${name}" must be an integer >= ${min}`);
      return result;
    };
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== 'function') fail('no fetch: pass "fetch"');
    this.#transport = {
      fetch: fetchFn,
      timeoutMs: count('timeoutMs', options.timeoutMs, 10_000, 1),
      retries: count('retries', options.retries, 3, 0),
      retryBaseMs: count('retryBaseMs', options.retryBaseMs, 250, 0),
      retryMaxMs: count('retryMaxMs', options.retryMaxMs, 8000, 0),
      reuseConnections: options.reuseConnections ?? true,
    };
    this.#journal = options.journal;
    this.#idPrefix = options.idPrefix ?? '';
    if (this.#idPrefix !== '' && !/^[A-Za-z0-9._-]{1,56}$/.test(this.#idPrefix)) {
      fail('"idPrefix" must be at most 56 of A-Z a-z 0-9 . - _');
    }
  }

  /** `give-for-free`: gives a market item to a user. */
  async giveForFree(params: GiveForFreeParams): Promise<ActionResult> {
    return this.#action('give-for-free', params, wireParams['give-for-free'](params));
  }

  /** `transfer-money` (official resellers): sends NLE to a user. */
  async transferMoney(params: TransferMoneyParams): Promise<ActionResult> {
    return this.#action('transfer-money', params, wireParams['transfer-money'](params));
  }

  /** `gift-product` (official resellers): gives subscription days of a product. */
  async giftProduct(params: GiftProductParams): Promise<ActionResult> {
    return this.#action('gift-product', params, wireParams['gift-product'](params));
  }

  /** `get-prices` (official resellers): a product's plans and their prices. */
  async getPrices(params: GetPricesParams): Promise<GetPricesResult> {
    return this.#read('get-prices', wireParams['get-prices'](params), params);
  }

  /** `is-user-invited` (official resellers): whether a user may receive a product. */
  async isUserInvited(params: IsUserInvitedParams): Promise<IsUserInvitedResult> {
    return this.#read('is-user-invited', wireParams['is-user-invited'](params), params);
  }

  /** `is-user-exists` (official resellers). */
  async isUserExists(params: IsUserExistsParams): Promise<IsUserExistsResult> {
    return this.#read('is-user-exists', wireParams['is-user-exists'](params), params);
  }

  /** `get-balance`: your NLE balance. */
  async getBalance(params: CallOptions = {}): Promise<GetBalanceResult> {
    return this.#read('get-balance', wireParams['get-balance'](params), params);
  }

  /** `integration-visibility`: shows (`isPublic: true`) or hides your reseller checkout method. */
  async setIntegrationVisibility(params: IntegrationVisibilityParams): Promise<SettingResult> {
    return this.#setting(
      'integration-visibility',
      wireParams['integration-visibility'](params),
      params,
    );
  }

  /**
   * `set-reseller-prices`: validates the prices object, then sends it as a JSON string (signed as
   * that string). Prices expire 24 hours later; see {@link startPriceSync}.
   */
  async setResellerPrices(params: SetResellerPricesParams): Promise<SettingResult> {
    return this.#setting('set-reseller-prices', wireParams['set-reseller-prices'](params), params);
  }

  /**
   * Calls a method by its API name, with the typed method's parameters (camelCase). For tools
   * such as the CLI; code should prefer the typed methods.
   */
  async call(method: MarketMethodName, params: Record<string, unknown>): Promise<unknown> {
    switch (method) {
      case 'give-for-free':
        return this.giveForFree(params as unknown as GiveForFreeParams);
      case 'transfer-money':
        return this.transferMoney(params as unknown as TransferMoneyParams);
      case 'gift-product':
        return this.giftProduct(params as unknown as GiftProductParams);
      case 'get-prices':
        return this.getPrices(params as unknown as GetPricesParams);
      case 'is-user-invited':
        return this.isUserInvited(params as unknown as IsUserInvitedParams);
      case 'is-user-exists':
        return this.isUserExists(params as unknown as IsUserExistsParams);
      case 'get-balance':
        return this.getBalance(params as CallOptions);
      case 'integration-visibility':
        return this.setIntegrationVisibility(params as unknown as IntegrationVisibilityParams);
      case 'set-reseller-prices':
        return this.setResellerPrices(params as unknown as SetResellerPricesParams);
      default:
        throw new MarketInputError(
          'ERR_MARKET_INVALID_PARAMS',
          `Unknown market method ${JSON.stringify(method)}.`,
        );
    }
  }

  /**
   * Re-sends every pending operation of the journal with its original id, one at a time. Run it at
   * start-up: an operation a crash interrupted is applied exactly once (a retry answered
   * `Invalid id.` had been applied before and reports `already-completed`).
   *
   * @returns One report per pending operation; `still-pending` ones stay in the journal.
   */
  async resumePending(options: CallOptions = {}): Promise<ResumeReport[]> {
    const journal = this.#requireJournal();
    const reports: ResumeReport[] = [];
    for (const entry of await journal.pending()) {
      const id = decodeRequestId(entry.requestId);
      const base = { key: entry.key, method: entry.method, id };
      try {
        if (!isActionMethod(entry.method)) {
          throw new JournalError(
            'ERR_JOURNAL_KEY_CONFLICT',
            `Journal entry ${entry.key} names unknown method ${entry.method}.`,
          );
        }
        const outcome = await this.#runJournaled(
          entry,
          entry.method,
          JSON.parse(entry.params) as WireParams,
          options.signal,
        );
        reports.push({ ...outcome, key: entry.key } as ResumeReport);
      } catch (error) {
        if (error instanceof MarketApiError) reports.push({ ...base, status: 'failed', error });
        else reports.push({ ...base, status: 'still-pending', error });
      }
    }
    return reports;
  }

  #requireJournal(): IdJournal {
    if (!this.#journal) {
      throw new MarketInputError(
        'ERR_MARKET_INVALID_OPTIONS',
        'MarketClient: resumePending() needs the "journal" option.',
      );
    }
    return this.#journal;
  }

  async #action(
    method: MarketActionName,
    params: ActionOptions,
    wire: WireParams,
  ): Promise<ActionResult> {
    if (params.id !== undefined) validateRequestId(params.id);
    const { key } = params;
    if (key !== undefined && (typeof key !== 'string' || key.length === 0 || !key.isWellFormed())) {
      throw new MarketInputError(
        'ERR_MARKET_INVALID_PARAMS',
        `${method}: "key" must be a non-empty string without lone UTF-16 surrogates`,
      );
    }
    // An explicit id wins; a key stands for one id, the same in every process.
    const id =
      params.id ??
      (key === undefined
        ? generateRequestId(this.#idPrefix)
        : keyRequestId(method, key, this.#idPrefix));
    const journal = this.#journal;
    if (!journal) {
      // "Invalid id." on a key's id, or on an id the caller says it resends, means applied before.
      const idIsOurs = (key !== undefined && params.id === undefined) || params.resend === true;
      return {
        ...(await this.#sendAction(method, wire, id, idIsOurs, params.signal)),
        key,
      } as ActionResult;
    }
    const journalKey = key ?? `id:${encodeRequestId(id)}`;
    const fingerprint = createHash('sha256')
      .update(`${method}\n${JSON.stringify(wire)}`)
      .digest('hex');
    const { created, entry } = await journal.begin({
      key: journalKey,
      requestId: encodeRequestId(id),
      method,
      params: JSON.stringify(wire),
      fingerprint,
    });
    if (!created) {
      if (entry.fingerprint !== fingerprint || entry.method !== method) {
        throw new JournalError(
          'ERR_JOURNAL_KEY_CONFLICT',
          `Key ${JSON.stringify(journalKey)} already maps to a ${entry.method} with other parameters; nothing was sent.`,
        );
      }
      if (params.id !== undefined && entry.requestId !== encodeRequestId(params.id)) {
        throw new JournalError(
          'ERR_JOURNAL_KEY_CONFLICT',
          `Key ${JSON.stringify(journalKey)} already maps to request id ${entry.requestId}, not ${encodeRequestId(params.id)}.`,
        );
      }
    }
    const outcome = await this.#runJournaled(entry, method, wire, params.signal);
    return { ...outcome, key } as ActionResult;
  }

  /** Sends a journaled operation (once per key at a time in this process) and records its end. */
  #runJournaled(
    entry: JournalEntry,
    method: MarketActionName,
    wire: WireParams,
    signal: AbortSignal | undefined,
  ): Promise<JournaledOutcome> {
    const journal = this.#requireJournal();
    const id = decodeRequestId(entry.requestId);
    if (entry.state === 'completed' && entry.completion) {
      const { status, reply } = entry.completion;
      const base = { method, id, attempts: 0, fromJournal: true } as const;
      return Promise.resolve(
        status === 'completed' ? { ...base, status, reply: reply ?? {} } : { ...base, status },
      );
    }
    if (entry.state === 'failed' && entry.failure) {
      const { code, message } = entry.failure;
      return Promise.reject(
        new MarketApiError(message, {
          method,
          requestId: asLabel(id),
          attempts: 0,
          code: code as MarketApiError['code'],
        }),
      );
    }
    const running = this.#inflight.get(entry.key);
    if (running) return running;
    const task = (async () => {
      try {
        // The journal holds this id, so it is ours: whoever sent it (another instance sharing the
        // journal, an attempt before a crash), "Invalid id." means it was applied.
        const outcome = await this.#sendAction(method, wire, id, true, signal);
        await journal.complete(
          entry.key,
          outcome.status === 'completed'
            ? { status: outcome.status, reply: outcome.reply }
            : { status: outcome.status },
        );
        return outcome;
      } catch (error) {
        if (error instanceof MarketApiError) {
          await journal.fail(entry.key, { code: error.code, message: error.providerMessage });
        }
        throw error;
      } finally {
        this.#inflight.delete(entry.key);
      }
    })();
    this.#inflight.set(entry.key, task);
    return task;
  }

  /**
   * Sends an action. `idIsOurs`: the id names this operation alone (journaled, derived from a key,
   * or resent), so `Invalid id.` means an earlier send of it was applied. Otherwise that answer on
   * a first attempt is a collision with some other action (`ERR_MARKET_ID_COLLISION`).
   */
  async #sendAction(
    method: MarketActionName,
    wire: WireParams,
    id: RequestId,
    idIsOurs: boolean,
    signal: AbortSignal | undefined,
  ): Promise<JournaledOutcome> {
    const { body } = encodeSignedRequest(
      { user_id: this.#userId, id, ...wire },
      this.#secret,
      FLOAT_FIELDS[method],
    );
    const reply = await postWithRetries(
      `${this.#baseUrl}/${method}`,
      body,
      this.#transport,
      { method, requestId: id },
      signal,
    );
    const base = { method, id, attempts: reply.attempt, fromJournal: false } as const;
    try {
      const fields = readReply(reply.text, {
        method,
        requestId: asLabel(id),
        attempts: reply.attempt,
        httpStatus: reply.status,
      });
      return { ...base, status: 'completed', reply: fields };
    } catch (error) {
      // "Invalid id." answers a send of an id already applied: done, not failed.
      if (
        error instanceof MarketApiError &&
        error.code === 'ERR_MARKET_ID_COLLISION' &&
        (idIsOurs || reply.attempt > 1)
      ) {
        return { ...base, status: 'already-completed' };
      }
      throw error;
    }
  }

  async #send(
    method: MarketMethodName,
    wire: WireParams,
    signal: AbortSignal | undefined,
  ): Promise<{ fields: ReplyFields; attempts: number }> {
    const { body } = signRequest({ user_id: this.#userId, ...wire }, this.#secret);
    const reply = await postWithRetries(
      `${this.#baseUrl}/${method}`,
      body,
      this.#transport,
      { method },
      signal,
    );
    const fields = readReply(reply.text, {
      method,
      attempts: reply.attempt,
      httpStatus: reply.status,
    });
    return { fields, attempts: reply.attempt };
  }

  async #read<M extends keyof typeof readResult>(
    method: M,
    wire: WireParams,
    options: CallOptions,
  ): Promise<ReturnType<(typeof readResult)[M]>> {
    const { fields, attempts } = await this.#send(method, wire, options.signal);
    const fail = (name: string, expected: string): never => {
      throw new MarketTransportError(
        'ERR_MARKET_INVALID_REPLY',
        `missing or invalid "${name}" field in the reply (expected ${expected})`,
        { method, attempts },
      );
    };
    return readResult[method](fields, fail) as ReturnType<(typeof readResult)[M]>;
  }

  async #setting(
    method: MarketMethodName,
    wire: WireParams,
    options: CallOptions,
  ): Promise<SettingResult> {
    return { status: 'ok', reply: (await this.#send(method, wire, options.signal)).fields };
  }
}

/** Error labels carry ids as JSON-safe values. */
function asLabel(id: RequestId): string | number {
  return typeof id === 'bigint' ? id.toString() : id;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function checkBaseUrl(value: unknown, fail: (message: string) => never): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return fail(`"baseUrl" ${JSON.stringify(value)} is not a URL`);
  }
  const loopback = LOOPBACK.has(url.hostname) || url.hostname.startsWith('127.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    fail(`"baseUrl" must be https (plain http only to a loopback host), got ${url.protocol}`);
  }
  if (url.search !== '' || url.hash !== '') fail('"baseUrl" must not have a query or fragment');
  return url.href.replace(/\/+$/, '');
}

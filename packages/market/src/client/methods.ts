import { assertResellerPrices, type ResellerPrices } from '../prices/validate.js';
import { MarketInputError } from './errors.js';
import { cntOfDays, daysOfCnt, type PlanCnt, type PlanDays } from './plans.js';
import { isBoolean, isFiniteNumber, isPlainObject, type ReplyFields } from './replies.js';
import type { RequestId } from './request-id.js';

/** Every documented market API method, by the name in its URL. */
export const MARKET_METHODS = [
  'give-for-free',
  'transfer-money',
  'gift-product',
  'get-prices',
  'is-user-invited',
  'is-user-exists',
  'get-balance',
  'integration-visibility',
  'set-reseller-prices',
] as const;

/** A documented market API method. */
export type MarketMethodName = (typeof MARKET_METHODS)[number];

/** The methods that spend or give something and so carry an `id`. */
export type MarketActionName = 'give-for-free' | 'transfer-money' | 'gift-product';

/** @internal */
export function isActionMethod(name: string): name is MarketActionName {
  return name === 'give-for-free' || name === 'transfer-money' || name === 'gift-product';
}

/** Options every call accepts. */
export interface CallOptions {
  /** Aborts the call, including its pending retries (`ERR_MARKET_ABORTED`). */
  readonly signal?: AbortSignal;
}

/** Options of the methods that spend or give (`give-for-free`, `transfer-money`, `gift-product`). */
export interface ActionOptions extends CallOptions {
  /**
   * The request id. Every retry reuses it, so the action cannot apply twice. An explicit id wins
   * over `key`. With a journal, an id the journal holds is taken as this operation's own:
   * `Invalid id.` on it means applied (`already-completed`), so never reuse an id of another action.
   *
   * @defaultValue The id of `key` ({@link keyRequestId}), the one the journal holds for `key`, or
   *   a fresh {@link generateRequestId} id when there is no key.
   * @example `'order-1842'`
   */
  readonly id?: RequestId;
  /**
   * Your business key (an order id): calling again with the same key never applies the action
   * twice, in this process or another, with or without a journal.
   *
   * - With a journal, the key maps to one request id forever; the same key with other parameters
   *   is refused before sending (`ERR_JOURNAL_KEY_CONFLICT`), and a completed key answers from the
   *   journal.
   * - Without a journal, the request id is derived from the method and the key
   *   ({@link keyRequestId}), so a repeat carries the same id and the provider itself refuses it
   *   (`Invalid id.`), which is reported as `already-completed`. The limit: nothing remembers the
   *   parameters, so a repeat with other parameters (another amount or user) is also reported
   *   `already-completed` and not sent. Use a journal to have them compared.
   *
   * A key must be unique per action of an account: one key may serve one `transfer-money` and one
   * `gift-product`, but not two transfers.
   *
   * @defaultValue none: a fresh id per call (a journal records it under `id:<request id>`).
   * @example `order.id`
   */
  readonly key?: string;
  /**
   * This `id` was sent before by a call that failed without an answer (a transport error), and
   * this call sends it again: `Invalid id.` then means the earlier attempt was applied
   * (`already-completed`), not an id collision. Unneeded with a `key` or a journal, which know it.
   *
   * @defaultValue `false`
   * @example `{ id: failed.requestId, resend: true }`
   */
  readonly resend?: boolean;
}

/** Parameters of `give-for-free`: give a market item to a user. */
export interface GiveForFreeParams extends ActionOptions {
  /** The user who receives the item. @example `'darth'` */
  readonly username: string;
  /** The item's market code. @example `'E3yugw'` */
  readonly code: string;
}

/** Parameters of `transfer-money` (official resellers only): send NLE to a user. */
export interface TransferMoneyParams extends ActionOptions {
  /** The user who receives the NLE. @example `'a49'` */
  readonly username: string;
  /**
   * NLE to send: a positive number, or a decimal string such as a reseller token's `nle`
   * (`'13.37'`, at most 15 significant digits, which a float keeps exactly). Sent as a JSON float,
   * and signed as Python's `str()` of it: `2` is sent and signed as `2.0`, `'13.37'` as `13.37`.
   * The provider reads amounts as floats, so this verifies whether it signs the text or the number.
   */
  readonly amount: number | string;
}

/** Parameters of `gift-product` (official resellers only): give subscription days. */
export interface GiftProductParams extends ActionOptions {
  /** The user who receives the product. @example `'darth'` */
  readonly username: string;
  /** The product name. @example `'cs2'` */
  readonly product: string;
  /** The plan number: 0 = 30 days, 1 = 90, 2 = 180, 3 = 365. Give `cnt` or `days`. */
  readonly cnt?: PlanCnt;
  /** The plan length (30, 90, 180 or 365), converted to `cnt`. Give `cnt` or `days`. */
  readonly days?: PlanDays;
}

/** Parameters of `get-prices` (official resellers only). */
export interface GetPricesParams extends CallOptions {
  /** The product name. @example `'cs2'` */
  readonly product: string;
}

/** Parameters of `is-user-invited` (official resellers only). */
export interface IsUserInvitedParams extends CallOptions {
  readonly username: string;
  readonly product: string;
}

/** Parameters of `is-user-exists` (official resellers only). */
export interface IsUserExistsParams extends CallOptions {
  readonly username: string;
}

/** Parameters of `integration-visibility`: show or hide your reseller checkout method. */
export interface IntegrationVisibilityParams extends CallOptions {
  /** Your reseller integration id (API settings page). @example `100` */
  readonly integrationId: number;
  /** `true` shows the method to everyone, `false` only to you (testing). Sent as `is_public`. */
  readonly isPublic: boolean;
}

/** Parameters of `set-reseller-prices`. Prices expire 24 hours after they are set. */
export interface SetResellerPricesParams extends CallOptions {
  /** Your reseller integration id. @example `100` */
  readonly integrationId: number;
  /**
   * The prices object (validated with {@link assertResellerPrices}, then sent as a JSON string,
   * as the docs require), or its JSON text.
   */
  readonly prices: ResellerPrices | string;
  /**
   * Product names allowed in the keys, when Neverlose sells a product this version does not list.
   *
   * @defaultValue `['csgo', 'cs2']`
   */
  readonly products?: readonly string[];
}

/** One plan's prices from `get-prices`. */
export interface PlanPrice {
  readonly days: number;
  readonly cnt: number;
  /** Every other numeric field of the plan, by currency as the API names it (`eur`, `rub`). */
  readonly prices: Readonly<Record<string, number>>;
}

/** Result of `get-prices`. */
export interface GetPricesResult {
  /** Plans in increasing length. */
  readonly plans: readonly PlanPrice[];
  /** The whole reply, including fields this version does not know. */
  readonly reply: Readonly<Record<string, unknown>>;
}

/** Result of `is-user-invited`. */
export interface IsUserInvitedResult {
  /** The product needs no invite (then `userInvited` is `true`). */
  readonly cheatPublic: boolean;
  /** The user may receive the product. Gifting to a non-invited user of a private product fails. */
  readonly userInvited: boolean;
  readonly reply: Readonly<Record<string, unknown>>;
}

/** Result of `is-user-exists`. */
export interface IsUserExistsResult {
  readonly userExists: boolean;
  readonly reply: Readonly<Record<string, unknown>>;
}

/** Result of `get-balance`. */
export interface GetBalanceResult {
  /** Your NLE balance. */
  readonly balance: number;
  readonly reply: Readonly<Record<string, unknown>>;
}

/** Result of `integration-visibility` and `set-reseller-prices`: the API said `success: true`. */
export interface SettingResult {
  readonly status: 'ok';
  readonly reply: Readonly<Record<string, unknown>>;
}

/** @internal Wire fields of a call, without `user_id`, `id` and `signature`. */
export type WireParams = Record<string, string | number | boolean>;

/**
 * @internal Parameters as untyped code may pass them (`call()` from the CLI, JavaScript callers):
 * every field is checked before use, so the typed parameters are a special case.
 */
export type LooseParams<P> = { readonly [K in keyof P]?: unknown };

/**
 * @internal Number fields the provider reads as floats: sent and signed in Python's float layout
 * (`2.0`), whatever their JavaScript value, so the signature holds under either reading.
 */
export const FLOAT_FIELDS: Readonly<Partial<Record<MarketMethodName, ReadonlySet<string>>>> = {
  'transfer-money': new Set(['amount']),
};

const DECIMAL_RE = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

function invalid(method: string, message: string): never {
  throw new MarketInputError('ERR_INVALID_ARGUMENT', `${method}: ${message}`);
}

function text(method: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    invalid(method, `"${name}" must be a non-empty string`);
  return value;
}

function integrationId(method: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    invalid(method, '"integrationId" must be a positive integer');
  }
  return value;
}

/** A double keeps any decimal of this many significant digits exactly (C's `DBL_DIG`). */
const EXACT_DIGITS = 15;

function amount(method: string, value: unknown): number {
  const number =
    typeof value === 'string' && DECIMAL_RE.test(value)
      ? Number(value)
      : typeof value === 'number'
        ? value
        : Number.NaN;
  if (!Number.isFinite(number) || number <= 0) {
    invalid(method, '"amount" must be a positive number or decimal string such as "13.37"');
  }
  if (typeof value === 'string') {
    const digits = value.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    if (digits.length > EXACT_DIGITS) {
      invalid(
        method,
        `"amount" ${JSON.stringify(value)} has more than ${EXACT_DIGITS} significant digits, more than the API's float keeps exactly`,
      );
    }
  }
  return number;
}

function plan(method: string, params: LooseParams<GiftProductParams>): PlanCnt {
  const fromDays = params.days === undefined ? undefined : cntOfDays(params.days);
  if (params.days !== undefined && fromDays === undefined)
    invalid(method, '"days" must be 30, 90, 180 or 365');
  const fromCnt = params.cnt === undefined ? undefined : cntOfDays(daysOfCnt(params.cnt));
  if (params.cnt !== undefined && fromCnt === undefined)
    invalid(method, '"cnt" must be 0, 1, 2 or 3');
  if (fromCnt !== undefined && fromDays !== undefined && fromCnt !== fromDays) {
    invalid(method, `"cnt" ${fromCnt} and "days" ${String(params.days)} name different plans`);
  }
  const cnt = fromCnt ?? fromDays;
  if (cnt === undefined) invalid(method, 'give "cnt" (0-3) or "days" (30, 90, 180, 365)');
  return cnt;
}

function productList(method: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== ''))
    invalid(method, '"products" must be an array of product names');
  return value;
}

/** @internal The caller's `signal`, checked (it is handed to `fetch` and `AbortSignal.any`). */
export function signalOf(method: string, value: unknown): AbortSignal | undefined {
  if (value === undefined || value instanceof AbortSignal) return value;
  return invalid(method, '"signal" must be an AbortSignal');
}

/**
 * @internal Validates each method's parameters into the fields sent (camelCase to the API's
 * names). Every field is checked, whatever its static type.
 */
export const wireParams = {
  'give-for-free': (p: LooseParams<GiveForFreeParams>): WireParams => ({
    username: text('give-for-free', 'username', p.username),
    code: text('give-for-free', 'code', p.code),
  }),
  'transfer-money': (p: LooseParams<TransferMoneyParams>): WireParams => ({
    username: text('transfer-money', 'username', p.username),
    amount: amount('transfer-money', p.amount),
  }),
  'gift-product': (p: LooseParams<GiftProductParams>): WireParams => ({
    username: text('gift-product', 'username', p.username),
    product: text('gift-product', 'product', p.product),
    cnt: plan('gift-product', p),
  }),
  'get-prices': (p: LooseParams<GetPricesParams>): WireParams => ({
    product: text('get-prices', 'product', p.product),
  }),
  'is-user-invited': (p: LooseParams<IsUserInvitedParams>): WireParams => ({
    username: text('is-user-invited', 'username', p.username),
    product: text('is-user-invited', 'product', p.product),
  }),
  'is-user-exists': (p: LooseParams<IsUserExistsParams>): WireParams => ({
    username: text('is-user-exists', 'username', p.username),
  }),
  'get-balance': (_p: LooseParams<CallOptions>): WireParams => ({}),
  'integration-visibility': (p: LooseParams<IntegrationVisibilityParams>): WireParams => {
    if (typeof p.isPublic !== 'boolean')
      invalid('integration-visibility', '"isPublic" must be true or false');
    return {
      integration_id: integrationId('integration-visibility', p.integrationId),
      is_public: p.isPublic,
    };
  },
  'set-reseller-prices': (p: LooseParams<SetResellerPricesParams>): WireParams => {
    const id = integrationId('set-reseller-prices', p.integrationId);
    let prices: unknown = p.prices;
    if (typeof prices === 'string') {
      try {
        prices = JSON.parse(prices);
      } catch {
        invalid('set-reseller-prices', '"prices" is a string but not JSON text');
      }
    }
    const products = productList('set-reseller-prices', p.products);
    const rules = products === undefined ? {} : { products };
    return { integration_id: id, prices: JSON.stringify(assertResellerPrices(prices, rules)) };
  },
} as const;

/** @internal Reads the documented fields of each read method's reply. */
export const readResult = {
  'get-prices': (
    reply: ReplyFields,
    fail: (name: string, expected: string) => never,
  ): GetPricesResult => {
    const prices = reply['prices'];
    if (!isPlainObject(prices)) return fail('prices', 'an object of plans by days');
    const plans: PlanPrice[] = [];
    for (const [days, entry] of Object.entries(prices)) {
      if (!/^\d+$/.test(days) || !isPlainObject(entry) || !isFiniteNumber(entry['cnt'])) {
        return fail('prices', `an object of plans by days, with a numeric "cnt" (plan "${days}")`);
      }
      const byCurrency: Record<string, number> = {};
      for (const [name, value] of Object.entries(entry)) {
        if (name !== 'cnt' && isFiniteNumber(value)) byCurrency[name] = value;
      }
      plans.push({ days: Number(days), cnt: entry['cnt'], prices: byCurrency });
    }
    plans.sort((a, b) => a.days - b.days);
    return { plans, reply };
  },
  'is-user-invited': (
    reply: ReplyFields,
    fail: (name: string, expected: string) => never,
  ): IsUserInvitedResult => {
    const cheatPublic = reply['cheat_public'];
    const userInvited = reply['user_invited'];
    if (!isBoolean(cheatPublic)) return fail('cheat_public', 'a boolean');
    if (!isBoolean(userInvited)) return fail('user_invited', 'a boolean');
    return { cheatPublic, userInvited, reply };
  },
  'is-user-exists': (
    reply: ReplyFields,
    fail: (name: string, expected: string) => never,
  ): IsUserExistsResult => {
    const userExists = reply['user_exists'];
    if (!isBoolean(userExists)) return fail('user_exists', 'a boolean');
    return { userExists, reply };
  },
  'get-balance': (
    reply: ReplyFields,
    fail: (name: string, expected: string) => never,
  ): GetBalanceResult => {
    const balance = reply['balance'];
    if (!isFiniteNumber(balance)) return fail('balance', 'a number');
    return { balance, reply };
  },
} as const;

import type { ActionRunner } from './action-runner.js';
import { MarketTransportError } from './errors.js';
import {
  type CallOptions,
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
  type LooseParams,
  type MarketMethodName,
  readResult,
  type SetResellerPricesParams,
  type SettingResult,
  signalOf,
  type TransferMoneyParams,
  type WireParams,
  wireParams,
} from './methods.js';
import type { ReplyFields } from './replies.js';
import type { ActionResult } from './results.js';
import type { SignedSender } from './signed-sender.js';

/** The parameters of each method, by its API name. */
export interface MarketMethodParams {
  'give-for-free': GiveForFreeParams;
  'transfer-money': TransferMoneyParams;
  'gift-product': GiftProductParams;
  'get-prices': GetPricesParams;
  'is-user-invited': IsUserInvitedParams;
  'is-user-exists': IsUserExistsParams;
  'get-balance': CallOptions;
  'integration-visibility': IntegrationVisibilityParams;
  'set-reseller-prices': SetResellerPricesParams;
}

/** The result of each method, by its API name. */
export interface MarketMethodResults {
  'give-for-free': ActionResult;
  'transfer-money': ActionResult;
  'gift-product': ActionResult;
  'get-prices': GetPricesResult;
  'is-user-invited': IsUserInvitedResult;
  'is-user-exists': IsUserExistsResult;
  'get-balance': GetBalanceResult;
  'integration-visibility': SettingResult;
  'set-reseller-prices': SettingResult;
}

/** @internal What a method's entry runs with. */
export interface Runners {
  readonly actions: ActionRunner;
  readonly sender: SignedSender;
}

type Entry<M extends MarketMethodName> = (
  runners: Runners,
  params: LooseParams<MarketMethodParams[M]>,
) => Promise<MarketMethodResults[M]>;

/**
 * How each method runs: an action (request id, journal), a read (a typed result from the reply) or
 * a setting (`success` is all). Typed per method, so `dispatch()` needs no cast.
 */
const METHODS: { readonly [M in MarketMethodName]: Entry<M> } = {
  'give-for-free': ({ actions }, p) =>
    actions.run('give-for-free', p, wireParams['give-for-free'](p)),
  'transfer-money': ({ actions }, p) =>
    actions.run('transfer-money', p, wireParams['transfer-money'](p)),
  'gift-product': ({ actions }, p) => actions.run('gift-product', p, wireParams['gift-product'](p)),
  'get-prices': ({ sender }, p) =>
    read(sender, 'get-prices', wireParams['get-prices'](p), p, readResult['get-prices']),
  'is-user-invited': ({ sender }, p) =>
    read(
      sender,
      'is-user-invited',
      wireParams['is-user-invited'](p),
      p,
      readResult['is-user-invited'],
    ),
  'is-user-exists': ({ sender }, p) =>
    read(
      sender,
      'is-user-exists',
      wireParams['is-user-exists'](p),
      p,
      readResult['is-user-exists'],
    ),
  'get-balance': ({ sender }, p) =>
    read(sender, 'get-balance', wireParams['get-balance'](p), p, readResult['get-balance']),
  'integration-visibility': ({ sender }, p) =>
    setting(sender, 'integration-visibility', wireParams['integration-visibility'](p), p),
  'set-reseller-prices': ({ sender }, p) =>
    setting(sender, 'set-reseller-prices', wireParams['set-reseller-prices'](p), p),
};

/** @internal Whether `name` is a documented method (an own key of the table). */
export function isMarketMethod(name: unknown): name is MarketMethodName {
  return typeof name === 'string' && Object.hasOwn(METHODS, name);
}

/** @internal Runs `method` with `params`, every field checked; a refused parameter rejects. */
export async function dispatch<M extends MarketMethodName>(
  runners: Runners,
  method: M,
  params: LooseParams<MarketMethodParams[M]>,
): Promise<MarketMethodResults[M]> {
  const entry: Entry<M> = METHODS[method];
  return entry(runners, params);
}

async function read<R>(
  sender: SignedSender,
  method: MarketMethodName,
  wire: WireParams,
  options: LooseParams<CallOptions>,
  reader: (reply: ReplyFields, fail: (name: string, expected: string) => never) => R,
): Promise<R> {
  const { fields, attempts } = await sender.call(method, wire, signalOf(method, options.signal));
  return reader(fields, (name, expected) => {
    throw new MarketTransportError(
      'ERR_MARKET_INVALID_REPLY',
      `missing or invalid "${name}" field in the reply (expected ${expected})`,
      { method, attempts },
    );
  });
}

async function setting(
  sender: SignedSender,
  method: MarketMethodName,
  wire: WireParams,
  options: LooseParams<CallOptions>,
): Promise<SettingResult> {
  const { fields } = await sender.call(method, wire, signalOf(method, options.signal));
  return { status: 'ok', reply: fields };
}

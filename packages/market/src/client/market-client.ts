import type { ResellerOrder } from '../reseller/verify-token.js';
import { ActionRunner } from './action-runner.js';
import {
  dispatch,
  isMarketMethod,
  type MarketMethodParams,
  type MarketMethodResults,
  type Runners,
} from './dispatch.js';
import { MarketInputError } from './errors.js';
import type {
  CallOptions,
  GetBalanceResult,
  GetPricesParams,
  GetPricesResult,
  GiftProductParams,
  GiveForFreeParams,
  IntegrationVisibilityParams,
  IsUserExistsParams,
  IsUserExistsResult,
  IsUserInvitedParams,
  IsUserInvitedResult,
  LooseParams,
  MarketMethodName,
  SetResellerPricesParams,
  SettingResult,
  TransferMoneyParams,
} from './methods.js';
import { signalOf } from './methods.js';
import { type MarketClientOptions, resolveClientOptions } from './options.js';
import type { ActionResult, ResumeReport } from './results.js';
import { SignedSender } from './signed-sender.js';

/**
 * Typed client of the Neverlose market API: one method per documented endpoint, every request
 * signed over exactly the bytes sent, actions idempotent by request id.
 *
 * @example
 * ```ts
 * const client = new MarketClient({
 *   userId: 1,
 *   secret: process.env.NEVERLOSE_API_KEY!,
 *   journal: await openSqliteIdJournal('market-journal.db'),
 * });
 * await client.resumePending();
 * const result = await client.giftProduct({ key: order.id, username: 'darth', product: 'cs2', days: 30 });
 * if (result.status === 'already-completed') console.log('was applied before the crash');
 * ```
 */
export class MarketClient {
  readonly #runners: Runners;

  constructor(options: MarketClientOptions) {
    const resolved = resolveClientOptions(options);
    const sender = new SignedSender(resolved);
    this.#runners = {
      sender,
      actions: new ActionRunner(sender, resolved.journal, resolved.idPrefix),
    };
  }

  /** `give-for-free`: gives a market item to a user. */
  giveForFree(params: GiveForFreeParams): Promise<ActionResult> {
    return dispatch(this.#runners, 'give-for-free', params);
  }

  /** `transfer-money` (official resellers): sends NLE to a user. */
  transferMoney(params: TransferMoneyParams): Promise<ActionResult> {
    return dispatch(this.#runners, 'transfer-money', params);
  }

  /** `gift-product` (official resellers): gives subscription days of a product. */
  giftProduct(params: GiftProductParams): Promise<ActionResult> {
    return dispatch(this.#runners, 'gift-product', params);
  }

  /**
   * Delivers a reseller checkout order: `gift-product` of its plan for a product order,
   * `transfer-money` of its `nle` for a top-up, to `order.login`, keyed by `order.tokenId`. The key
   * makes it apply once however often it runs (a retry of the checkout URL, a second instance, a
   * crash and `resumePending()`); a repeat reports `already-completed`.
   *
   * @param order A verified order (`acceptResellerOrder(...).order`).
   * @throws the errors of {@link MarketClient.giftProduct} and {@link MarketClient.transferMoney}:
   *   an API error (`ERR_MARKET_USER_NOT_FOUND`...) is final for this order; a transport error
   *   leaves it to be sent again by a retry.
   * @example
   * ```ts
   * const { order } = await acceptResellerOrder(token, apiKey, { integrationId: 100, store });
   * await client.fulfilResellerOrder(order);
   * ```
   */
  fulfilResellerOrder(order: ResellerOrder, options: CallOptions = {}): Promise<ActionResult> {
    const key = order.tokenId;
    if (order.type === 'product') {
      return this.giftProduct({
        ...options,
        key,
        username: order.login,
        product: order.product,
        cnt: order.cnt,
      });
    }
    return this.transferMoney({ ...options, key, username: order.login, amount: order.nle });
  }

  /** `get-prices` (official resellers): a product's plans and their prices. */
  getPrices(params: GetPricesParams): Promise<GetPricesResult> {
    return dispatch(this.#runners, 'get-prices', params);
  }

  /** `is-user-invited` (official resellers): whether a user may receive a product. */
  isUserInvited(params: IsUserInvitedParams): Promise<IsUserInvitedResult> {
    return dispatch(this.#runners, 'is-user-invited', params);
  }

  /** `is-user-exists` (official resellers). */
  isUserExists(params: IsUserExistsParams): Promise<IsUserExistsResult> {
    return dispatch(this.#runners, 'is-user-exists', params);
  }

  /** `get-balance`: your NLE balance. */
  getBalance(params: CallOptions = {}): Promise<GetBalanceResult> {
    return dispatch(this.#runners, 'get-balance', params);
  }

  /** `integration-visibility`: shows (`isPublic: true`) or hides your reseller checkout method. */
  setIntegrationVisibility(params: IntegrationVisibilityParams): Promise<SettingResult> {
    return dispatch(this.#runners, 'integration-visibility', params);
  }

  /**
   * `set-reseller-prices`: validates the prices object, then sends it as a JSON string (signed as
   * that string). Prices expire 24 hours later; see {@link startPriceSync}.
   */
  setResellerPrices(params: SetResellerPricesParams): Promise<SettingResult> {
    return dispatch(this.#runners, 'set-reseller-prices', params);
  }

  /**
   * Calls a method by its API name, with the typed method's parameters (camelCase), each checked
   * at run time as the typed methods check them. For tools such as the CLI; code should prefer
   * the typed methods.
   *
   * @throws {MarketInputError} `ERR_INVALID_ARGUMENT` for an unknown method or a parameter
   *   that breaks its rule.
   * @example
   * ```ts
   * const { balance } = await client.call('get-balance', {});
   * ```
   */
  async call<M extends MarketMethodName>(
    method: M,
    params: LooseParams<MarketMethodParams[M]>,
  ): Promise<MarketMethodResults[M]> {
    if (!isMarketMethod(method)) {
      throw new MarketInputError(
        'ERR_INVALID_ARGUMENT',
        `Unknown market method ${JSON.stringify(method)}.`,
      );
    }
    if (params === null || typeof params !== 'object') {
      throw new MarketInputError(
        'ERR_INVALID_ARGUMENT',
        `${method}: the parameters must be an object.`,
      );
    }
    return dispatch(this.#runners, method, params);
  }

  /**
   * Re-sends every pending operation of the journal with its original id, one at a time. Run it at
   * start-up: an operation a crash interrupted is applied exactly once (a retry answered
   * `Invalid id.` had been applied before and reports `already-completed`).
   *
   * @returns One report per pending operation; `still-pending` ones stay in the journal.
   * @throws {MarketInputError} `ERR_INVALID_OPTION` without a `journal`.
   */
  async resumePending(options: CallOptions = {}): Promise<ResumeReport[]> {
    return this.#runners.actions.resumePending(signalOf('resumePending', options.signal));
  }
}

import { ResellerTokenError } from './errors.js';
import type { SingleUseTokenStore } from './single-use-token-store.js';
import {
  type ResellerOrder,
  type VerifyResellerTokenOptions,
  verifyOrder,
} from './verify-token.js';

/** Options of {@link acceptResellerOrder}. */
export interface AcceptResellerOrderOptions extends VerifyResellerTokenOptions {
  /**
   * Where accepted orders are recorded, by token id, before they are fulfilled. It must outlive a
   * restart: `openSqliteSingleUseTokenStore(file)` on one instance, `RedisSingleUseTokenStore` or
   * `PostgresSingleUseTokenStore` for several; `MemorySingleUseTokenStore` is for tests. It is asked to
   * remember a token until `exp` + `clockToleranceSeconds`, the last instant a retry of it is
   * accepted.
   *
   * @example `{ store: await openSqliteSingleUseTokenStore('market.db') }`
   */
  readonly store: SingleUseTokenStore;
}

/** A verified order of a checkout, recorded before it is fulfilled. */
export interface AcceptedResellerOrder {
  /** The order the token carries: fulfil it keyed by `order.tokenId`. */
  readonly order: ResellerOrder;
  /**
   * `false` the first time the token is accepted; `true` when the store had recorded it before: a
   * retry of the same checkout URL (its fulfilment failed or its answer was lost, a reload, a
   * second instance). Fulfil it again with the same key (it applies once, and reports
   * `already-completed` when it had been applied); never take a second payment for it.
   */
  readonly resumed: boolean;
}

/**
 * Accepts a reseller checkout for fulfilment: verifies the `nl_purchase` token as
 * {@link verifyResellerToken} does, records it in `store` (keyed by the token id) before anything
 * is delivered, and returns its order. A retry of the same token returns the same order with
 * `resumed: true` instead of refusing it, so an order whose fulfilment failed (a network error, a
 * crash, your own database) is finished by opening its URL again: a paid order is never lost.
 *
 * What prevents a second delivery is the fulfilment's business key, not this record: deliver with
 * `client.fulfilResellerOrder(order)` (or `giftProduct` / `transferMoney` with
 * `key: order.tokenId`), which the provider applies once however often it runs.
 *
 * @param token The `nl_purchase` query parameter.
 * @param apiKey Your Neverlose market API key.
 * @param options `integrationId` and `store` are required.
 * @throws {ResellerTokenError} the codes of {@link verifyResellerToken} (a retry is resumed, never
 *   refused), and `ERR_INVALID_OPTION` without a `store`.
 *   A store that fails throws its own error, before anything is delivered.
 *
 * @example
 * ```ts
 * const { order, resumed } = await acceptResellerOrder(token, apiKey, { integrationId: 100, store });
 * if (!resumed) await takePayment(order); // keyed by order.tokenId at your payment provider
 * await client.fulfilResellerOrder(order);
 * ```
 */
export async function acceptResellerOrder(
  token: string,
  apiKey: string,
  options: AcceptResellerOrderOptions,
): Promise<AcceptedResellerOrder> {
  const store = (options as Partial<AcceptResellerOrderOptions> | undefined)?.store;
  if (store === null || typeof store !== 'object' || typeof store.consume !== 'function') {
    throw new ResellerTokenError(
      'ERR_INVALID_OPTION',
      '"store" is required: a SingleUseTokenStore that records accepted orders across restarts (openSqliteSingleUseTokenStore, RedisSingleUseTokenStore, PostgresSingleUseTokenStore).',
    );
  }
  const { order, rememberUntil } = await verifyOrder(
    token,
    apiKey,
    options,
    ACCEPT_OPTIONS,
    'acceptResellerOrder',
  );
  const first = await store.consume(order.tokenId, rememberUntil);
  return { order, resumed: !first };
}

/** Every option of {@link acceptResellerOrder} (a key missing here does not compile). */
const ACCEPT_OPTIONS = Object.keys({
  integrationId: true,
  clockToleranceSeconds: true,
  maxLifetimeSeconds: true,
  currentDate: true,
  store: true,
} satisfies Record<keyof AcceptResellerOrderOptions, true>);

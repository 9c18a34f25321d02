import type { MarketClient } from '../client/market-client.js';
import type { Awaitable } from '../journal/journal.js';
import { PricesError } from './errors.js';
import type { ResellerPrices } from './validate.js';

/** Prices set with `set-reseller-prices` disappear from the checkout this long after the push. */
export const RESELLER_PRICES_TTL_MS = 24 * 60 * 60 * 1000;

/** Options of {@link startPriceSync}. */
export interface PriceSyncOptions {
  /** A client, or anything with its `setResellerPrices`. */
  readonly client: Pick<MarketClient, 'setResellerPrices'>;
  /** Your reseller integration id. @example `100` */
  readonly integrationId: number;
  /** The prices, or a function returning the current ones (called before every push). */
  readonly prices: ResellerPrices | (() => Awaitable<ResellerPrices>);
  /**
   * Product names the prices may use, passed on to `setResellerPrices`' validation.
   * @defaultValue the documented products (`csgo`, `cs2`)
   * @example `{ products: ['csgo', 'cs2', 'cs3'] }`
   */
  readonly products?: readonly string[];
  /**
   * Time between pushes, in milliseconds. The provider recommends hourly for changing prices and
   * every 12 hours for static ones; prices expire 24 hours after a push.
   *
   * @defaultValue `3600000` (1 hour)
   */
  readonly intervalMs?: number;
  /**
   * When pushes keep failing and the last pushed prices expire within this time, `onExpiring` is
   * called after every failed push.
   *
   * @defaultValue `7200000` (2 hours)
   */
  readonly warnBeforeExpiryMs?: number;
  /**
   * Called after each successful push. Like the other callbacks, an exception it throws (or a
   * promise it rejects) is ignored: a callback cannot stop the schedule or crash the process.
   */
  readonly onPush?: (status: PriceSyncStatus) => unknown;
  /** Called after each failed push (prices invalid, API or transport error). */
  readonly onError?: (error: unknown, status: PriceSyncStatus) => unknown;
  /** Called when the prices in the checkout are about to expire, or have, because pushes fail. */
  readonly onExpiring?: (status: PriceSyncStatus) => unknown;
  /**
   * Clock, in milliseconds.
   *
   * @defaultValue `Date.now`
   */
  readonly now?: () => number;
}

/** Where the synchronisation stands. */
export interface PriceSyncStatus {
  /** The last successful push, if any. */
  readonly lastPushedAt: Date | undefined;
  /** When the prices in the checkout expire (24 hours after the last successful push). */
  readonly expiresAt: Date | undefined;
  readonly consecutiveFailures: number;
  /** The prices expire within `warnBeforeExpiryMs`, or were never pushed. */
  readonly expiringSoon: boolean;
  /** The checkout has no prices from this sync any more. */
  readonly expired: boolean;
}

/** A running price synchronisation. */
export interface PriceSync {
  /**
   * Pushes now, outside the schedule; a push already running is shared, not repeated. Never
   * rejects: a failure is in the status (and given to `onError`).
   */
  pushNow(): Promise<PriceSyncStatus>;
  status(): PriceSyncStatus;
  /** Stops the schedule; a push in progress completes. */
  stop(): void;
}

/**
 * Pushes reseller prices now and then every `intervalMs`, and reports when the prices in the
 * checkout would expire. The timer does not keep the process alive, and nothing it runs can reject
 * unhandled: failed pushes and throwing callbacks are contained.
 *
 * @throws {PricesError} `ERR_INVALID_OPTION` for an invalid option.
 *
 * @example
 * ```ts
 * const sync = startPriceSync({
 *   client,
 *   integrationId: 100,
 *   prices: () => loadPricesFromDb(),
 *   onExpiring: (status) => alert(`reseller prices expire at ${status.expiresAt?.toISOString()}`),
 * });
 * ```
 */
export function startPriceSync(options: PriceSyncOptions): PriceSync {
  const invalid = (message: string): never => {
    throw new PricesError('ERR_INVALID_OPTION', `startPriceSync: ${message}`);
  };
  const intervalMs = options.intervalMs ?? 60 * 60 * 1000;
  const warnMs = options.warnBeforeExpiryMs ?? 2 * 60 * 60 * 1000;
  if (typeof options.client?.setResellerPrices !== 'function')
    invalid('"client" must have setResellerPrices()');
  // setInterval fires at once for a delay above 2^31 - 1 ms: refuse it rather than push in a loop.
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1000 || intervalMs > 2 ** 31 - 1)
    invalid('"intervalMs" must be an integer from 1000 to 2147483647 ms');
  if (!Number.isFinite(warnMs) || warnMs < 0) invalid('"warnBeforeExpiryMs" must be >= 0');
  const notify = <A extends unknown[]>(
    callback: ((...args: A) => unknown) | undefined,
    ...args: A
  ): void => {
    try {
      const result = callback?.(...args);
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // A failing callback must not stop the schedule nor turn a push into a failure.
    }
  };
  const now = options.now ?? Date.now;
  let lastPushedAt: number | undefined;
  let failures = 0;
  let running: Promise<PriceSyncStatus> | undefined;

  const status = (): PriceSyncStatus => {
    const expiresAt =
      lastPushedAt === undefined ? undefined : lastPushedAt + RESELLER_PRICES_TTL_MS;
    const current = now();
    return {
      lastPushedAt: lastPushedAt === undefined ? undefined : new Date(lastPushedAt),
      expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt),
      consecutiveFailures: failures,
      expiringSoon: expiresAt === undefined || expiresAt - current <= warnMs,
      expired: expiresAt === undefined || expiresAt <= current,
    };
  };

  const push = async (): Promise<PriceSyncStatus> => {
    try {
      const prices = typeof options.prices === 'function' ? await options.prices() : options.prices;
      await options.client.setResellerPrices({
        integrationId: options.integrationId,
        prices,
        ...(options.products === undefined ? {} : { products: options.products }),
      });
    } catch (error) {
      failures++;
      const after = status();
      notify(options.onError, error, after);
      if (after.expiringSoon) notify(options.onExpiring, after);
      return after;
    }
    lastPushedAt = now();
    failures = 0;
    const after = status();
    notify(options.onPush, after);
    return after;
  };

  const pushNow = (): Promise<PriceSyncStatus> => {
    running ??= push().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => void pushNow(), intervalMs);
  timer.unref?.();
  void pushNow();
  return { pushNow, status, stop: () => clearInterval(timer) };
}

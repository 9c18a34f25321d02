import { unknownOptionKey } from '@neverlose-toolkit/internal/option-keys';
import type { WebhookHandlerDiagnostic } from '../diagnostics/records.js';
import { WebhookError } from './errors.js';
import type { WebhookEvent } from './events.js';
import { MemoryWebhookDedupStore, type WebhookDedupStore } from './webhook-dedup-store.js';

/** Options shared by the webhook handlers (Web, Node `http`, Express). */
export interface WebhookHandlerOptions {
  /**
   * Your market API key, or several during a key rotation (any one may match).
   *
   * @example `{ secret: [process.env.NEVERLOSE_API_KEY!, process.env.NEVERLOSE_OLD_API_KEY!] }`
   */
  readonly secret: string | readonly string[];
  /**
   * Runs once per verified event (a redelivery of the same `kind` + `unique_id` is answered 200
   * without running it again). Throwing answers 500, and the provider may deliver it again.
   *
   * Make it idempotent on `kind` + `uniqueId` as well (a unique index on your own records): the
   * provider signs no timestamp, so a captured webhook stays valid forever, and the dedup store
   * remembers an event only for `dedupTtlSeconds` (and the default one only until a restart).
   */
  readonly onEvent: (event: WebhookEvent) => unknown;
  /**
   * Where handled events are remembered. Use a durable store in production:
   * `await openSqliteWebhookDedupStore(file)` on one instance, `RedisWebhookDedupStore`
   * (`neverlose-redis`) for several. With the default, a restart forgets every event and a
   * replayed webhook runs its handler again; when `NODE_ENV` is `production` a warning with code
   * `NEVERLOSE_MEMORY_DEDUP` is emitted once per process.
   *
   * @defaultValue a new {@link MemoryWebhookDedupStore} (this process only, forgotten on restart)
   * @example `{ dedupStore: await openSqliteWebhookDedupStore('/var/lib/shop/market.db') }`
   */
  readonly dedupStore?: WebhookDedupStore;
  /**
   * How long a handled event is remembered, in seconds.
   *
   * @defaultValue `2592000` (30 days)
   */
  readonly dedupTtlSeconds?: number;
  /**
   * How long a delivery holds its claim on an event while the handler runs, in seconds. A
   * duplicate arriving meanwhile is answered 503 with `Retry-After`; if the instance dies, the
   * event is free again after this long. Make it longer than your slowest handler.
   * @defaultValue `300` (5 minutes)
   */
  readonly dedupLeaseSeconds?: number;
  /**
   * Largest body accepted, in bytes; larger ones are answered 413 without being read to the end.
   * Real events are about 200 bytes.
   *
   * @defaultValue `16384` (16 KiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * Called with the error of every refused or failed webhook, for logging. An exception it throws
   * is ignored: it cannot change the answer.
   *
   * @defaultValue logs failures on your side with `console.error` (500s, and a store that
   *   failed), nothing else
   * @example `{ onError: (error) => logger.warn({ code: error.code, status: error.status }, error.message) }`
   */
  readonly onError?: (error: WebhookError) => void;
  /**
   * Called with a diagnostic event for every delivery: `webhook:received` (the body was read),
   * then `webhook:handled` (200, `duplicate` when handled before) or `webhook:refused` (its code
   * and status), with durations, for logs, metrics and traces. The same events go to the
   * `neverlose-market` diagnostics channel. No event holds the signature or the secret. A hook
   * that throws or rejects is ignored. (`onEvent` is the verified webhook itself.)
   *
   * @defaultValue none
   * @example `{ onDiagnostic: (event) => logger.info(event, event.type) }`
   */
  readonly onDiagnostic?: (event: WebhookHandlerDiagnostic) => void;
}

/** Every option of the webhook handlers (a key missing here does not compile). */
const HANDLER_OPTIONS = Object.keys({
  secret: true,
  onEvent: true,
  dedupStore: true,
  dedupTtlSeconds: true,
  dedupLeaseSeconds: true,
  maxBodyBytes: true,
  onError: true,
  onDiagnostic: true,
} satisfies Record<keyof WebhookHandlerOptions, true>);

/** @internal The options of a handler once checked, with their defaults filled in. */
export interface HandlerSettings {
  readonly secrets: readonly string[];
  readonly onEvent: (event: WebhookEvent) => unknown;
  readonly store: WebhookDedupStore;
  readonly ttlSeconds: number;
  readonly leaseSeconds: number;
  readonly maxBodyBytes: number;
  /** `onError`, or the default; it may throw (the pipeline ignores that). */
  readonly onError: (error: WebhookError) => void;
  readonly onDiagnostic: ((event: WebhookHandlerDiagnostic) => void) | undefined;
}

/**
 * @internal Checks the options of a webhook handler, once, when it is created.
 *
 * @throws {WebhookError} `ERR_INVALID_OPTION` naming the option and its rule (and, for an unknown
 *   key, the option it most likely meant).
 */
export function readHandlerOptions(options: WebhookHandlerOptions): HandlerSettings {
  if (typeof options !== 'object' || options === null) invalid('Pass an options object.');
  const unknown = unknownOptionKey(options, HANDLER_OPTIONS, 'the webhook handlers');
  if (unknown) invalid(`Invalid option "${unknown.key}": ${unknown.rule}.`);
  const secrets =
    typeof options.secret === 'string' ? [options.secret] : [...(options.secret ?? [])];
  if (
    secrets.length === 0 ||
    secrets.some((secret) => typeof secret !== 'string' || secret === '')
  ) {
    invalid('"secret" must be a non-empty string or a non-empty array of them');
  }
  if (typeof options.onEvent !== 'function') invalid('"onEvent" must be a function');
  if (options.onDiagnostic !== undefined && typeof options.onDiagnostic !== 'function')
    invalid('"onDiagnostic" must be a function');
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024;
  const ttlSeconds = options.dedupTtlSeconds ?? 30 * 24 * 3600;
  const leaseSeconds = options.dedupLeaseSeconds ?? 300;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1)
    invalid('"maxBodyBytes" must be a positive integer');
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1)
    invalid('"dedupTtlSeconds" must be a positive integer');
  if (!Number.isSafeInteger(leaseSeconds) || leaseSeconds < 1)
    invalid('"dedupLeaseSeconds" must be a positive integer');
  const store = options.dedupStore ?? new MemoryWebhookDedupStore();
  if (store instanceof MemoryWebhookDedupStore) warnOfMemoryDedupInProduction();
  return {
    secrets,
    onEvent: options.onEvent,
    store,
    ttlSeconds,
    leaseSeconds,
    maxBodyBytes,
    onError: options.onError ?? logFailuresOnOurSide,
    onDiagnostic: options.onDiagnostic,
  };
}

function invalid(message: string): never {
  throw new WebhookError('ERR_INVALID_OPTION', message);
}

/** The default `onError`: failures on the receiving side (500s, a store that failed), nothing else. */
function logFailuresOnOurSide(error: WebhookError): void {
  if (
    error.status === 500 ||
    error.code === 'ERR_WEBHOOK_DEDUP_UNAVAILABLE' ||
    error.code === 'ERR_WEBHOOK_STORE_UNAVAILABLE'
  )
    console.error(error);
}

let warnedOfMemoryDedup = false;

/**
 * Once per process, where there is a `process` (not in a Worker): the default dedup store forgets
 * every event on restart, and the provider's webhooks carry no timestamp, so an old one replays.
 */
function warnOfMemoryDedupInProduction(): void {
  const host = (globalThis as { process?: Partial<NodeJS.Process> }).process;
  if (warnedOfMemoryDedup || host?.env?.['NODE_ENV'] !== 'production') return;
  if (typeof host.emitWarning !== 'function') return;
  warnedOfMemoryDedup = true;
  host.emitWarning(
    'A Neverlose webhook handler runs on the in-memory dedup store: after a restart a replayed ' +
      'webhook runs its handler again. Pass a durable dedupStore (openSqliteWebhookDedupStore, ' +
      'RedisWebhookDedupStore) and make the handler idempotent on kind + unique_id.',
    { type: 'NeverloseMarketWarning', code: 'NEVERLOSE_MEMORY_DEDUP' },
  );
}

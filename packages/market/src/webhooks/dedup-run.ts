import { isStoreFailure } from '../errors/store-failure.js';
import type { Awaitable } from '../journal/journal.js';
import { WebhookError } from './errors.js';
import type { WebhookEvent } from './events.js';
import type { DedupClaim, WebhookDedupStore } from './webhook-dedup-store.js';

/**
 * @internal How a delivery ended, as the caller answers it (an HTTP answer for the handlers). The
 * state machine decides the outcome; these say what it looks like.
 */
export interface DeliveryOutcomes<A> {
  /** The handler ran now (`duplicate` false), or had run before (`duplicate` true). */
  handled(event: WebhookEvent, started: number, duplicate: boolean): A;
  /** Not handled. `retryLater`: ask for a later delivery (the event was not run, or was released). */
  refused(error: WebhookError, event: WebhookEvent, started: number, retryLater: boolean): A;
  /** A failure that does not change the outcome (the event ran but was not recorded as done). */
  report(error: WebhookError): void;
}

/**
 * @internal The dedup state machine of one handler: a delivery claims its event in the store,
 * runs `onEvent`, then completes the event, or releases it when `onEvent` failed.
 *
 * - claim answered `done`: handled before (a duplicate); `processing`: another delivery runs it,
 *   try again later; the claim failed: not run, try again later.
 * - `onEvent` threw a store failure (`isStoreFailure`): released, try again later; anything else:
 *   released, refused (500). A release that fails leaves the claim to expire with its lease.
 * - complete failed: the event ran, so it is answered handled (a redelivery would run it again);
 *   the failure is reported and the claim expires with its lease.
 *
 * Each step goes on at once when the store or `onEvent` returns a plain value (memory, SQLite),
 * and after it settles when it returns a thenable: a synchronous delivery makes no promise. A
 * class, not closures, so that such a delivery allocates nothing but its answer.
 */
export class DedupRun<A> {
  constructor(
    private readonly store: WebhookDedupStore,
    private readonly onEvent: (event: WebhookEvent) => unknown,
    private readonly leaseSeconds: number,
    private readonly ttlSeconds: number,
    private readonly outcomes: DeliveryOutcomes<A>,
  ) {}

  /** Runs one verified event through the store and `onEvent`. May throw only on a bug of its own. */
  run(event: WebhookEvent, started: number): A | Promise<A> {
    let claim: Awaitable<DedupClaim>;
    try {
      claim = this.store.claim(event.kind, event.uniqueId, this.leaseSeconds);
    } catch (cause) {
      return this.claimFailed(event, started, cause);
    }
    if (!isThenable(claim)) return this.claimed(event, started, claim);
    return Promise.resolve(claim).then(
      (settled) => this.claimed(event, started, settled),
      (cause: unknown) => this.claimFailed(event, started, cause),
    );
  }

  private claimFailed(event: WebhookEvent, started: number, cause: unknown): A {
    return this.outcomes.refused(
      new WebhookError(
        'ERR_WEBHOOK_DEDUP_UNAVAILABLE',
        `The dedup store failed; the ${event.kind} webhook ${event.uniqueId} was not handled.`,
        { cause },
      ),
      event,
      started,
      true,
    );
  }

  private claimed(event: WebhookEvent, started: number, claim: DedupClaim): A | Promise<A> {
    if (claim === 'done') return this.outcomes.handled(event, started, true);
    if (claim === 'processing') {
      return this.outcomes.refused(
        new WebhookError(
          'ERR_WEBHOOK_IN_PROGRESS',
          `The ${event.kind} webhook ${event.uniqueId} is being handled by another delivery; try again later.`,
        ),
        event,
        started,
        true,
      );
    }
    let running: unknown;
    try {
      running = this.onEvent(event);
    } catch (cause) {
      return this.handlerFailed(event, started, cause);
    }
    if (!isThenable(running)) return this.complete(event, started);
    return Promise.resolve(running).then(
      () => this.complete(event, started),
      (cause: unknown) => this.handlerFailed(event, started, cause),
    );
  }

  private handlerFailed(event: WebhookEvent, started: number, cause: unknown): A | Promise<A> {
    let released: Awaitable<void>;
    try {
      released = this.store.release(event.kind, event.uniqueId);
    } catch {
      // The claim then expires with its lease, and a redelivery runs the handler again.
      return this.notHandled(event, started, cause);
    }
    if (!isThenable(released)) return this.notHandled(event, started, cause);
    const answer = () => this.notHandled(event, started, cause);
    return Promise.resolve(released).then(answer, answer);
  }

  /** `onEvent` failed and its claim is released (or left to expire). */
  private notHandled(event: WebhookEvent, started: number, cause: unknown): A {
    // A store the handler needed failed: not handled, ask for a later delivery.
    if (isStoreFailure(cause)) {
      return this.outcomes.refused(
        new WebhookError(
          'ERR_WEBHOOK_STORE_UNAVAILABLE',
          `A store failed while the ${event.kind} webhook ${event.uniqueId} was handled; try again later.`,
          { cause },
        ),
        event,
        started,
        true,
      );
    }
    return this.outcomes.refused(
      new WebhookError(
        'ERR_WEBHOOK_HANDLER_FAILED',
        `The ${event.kind} webhook handler failed for unique_id ${event.uniqueId}.`,
        { cause },
      ),
      event,
      started,
      false,
    );
  }

  private complete(event: WebhookEvent, started: number): A | Promise<A> {
    let recorded: Awaitable<void>;
    try {
      recorded = this.store.complete(event.kind, event.uniqueId, this.ttlSeconds);
    } catch (cause) {
      return this.notRecorded(event, started, cause);
    }
    if (!isThenable(recorded)) return this.outcomes.handled(event, started, false);
    return Promise.resolve(recorded).then(
      () => this.outcomes.handled(event, started, false),
      (cause: unknown) => this.notRecorded(event, started, cause),
    );
  }

  /** The handler ran: answer handled so it is not run again; the claim expires with its lease. */
  private notRecorded(event: WebhookEvent, started: number, cause: unknown): A {
    this.outcomes.report(
      new WebhookError(
        'ERR_WEBHOOK_DEDUP_UNAVAILABLE',
        `The ${event.kind} webhook ${event.uniqueId} was handled but could not be recorded as done.`,
        { cause },
      ),
    );
    return this.outcomes.handled(event, started, false);
  }
}

/**
 * @internal A synchronous store or handler (SQLite, memory) returns a plain value: awaiting it
 * would still cost a turn of the microtask queue per step, so only a thenable is awaited.
 */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

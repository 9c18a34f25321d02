import { EmulatorError } from '../errors.js';
import type { MarketEvent } from '../world/records.js';
import type { World } from '../world/world.js';
import { buildWebhook } from './payload.js';

/** One attempt to deliver a webhook. */
export interface DeliveryAttempt {
  readonly at: number;
  readonly durationMs: number;
  /** HTTP status, or `null` when no response arrived. */
  readonly status: number | null;
  /** Network error or timeout, when no response arrived. */
  readonly error?: string;
  /** First 1024 characters of the receiver's reply. */
  readonly responseBody?: string;
}

/** A webhook and every attempt to deliver it. */
export interface WebhookDelivery {
  readonly id: number;
  readonly kind: 'purchase' | 'transfer';
  readonly url: string;
  /** The user whose webhook URL received it. */
  readonly userId: number;
  readonly body: string;
  readonly signature: string;
  /** The delivery this one sends again (`POST /admin/api/webhooks/:id/replay`), if any. */
  readonly replayOf: number | null;
  readonly attempts: DeliveryAttempt[];
  /** `pending` while attempts remain, `delivered` after a 2xx, `failed` when attempts ran out. */
  state: 'pending' | 'delivered' | 'failed';
  /** When the next attempt is due (epoch ms), while pending. */
  nextAttemptAt: number | null;
}

/** What the queue reports as it works: a delivery queued, or one attempt finished. */
export type WebhookQueueEvent =
  | { readonly type: 'queued'; readonly delivery: WebhookDelivery }
  | {
      readonly type: 'attempted';
      readonly delivery: WebhookDelivery;
      readonly attempt: DeliveryAttempt;
    };

/** A running emulator's webhook deliveries, as a test or the CLI reads them. */
export interface WebhookLog {
  /** Every delivery since the start or the last reset, oldest first, with its attempts. */
  readonly deliveries: readonly WebhookDelivery[];
  /**
   * Calls `listener` when a delivery is queued and after each attempt.
   *
   * @returns a function that stops the calls.
   */
  onEvent(listener: (event: WebhookQueueEvent) => void): () => void;
}

/**
 * Sends purchase and transfer webhooks to the configured URLs, retrying with exponential backoff
 * (`baseDelayMs`, doubled per attempt, capped at `maxDelayMs`) until a 2xx or `maxAttempts`.
 */
export class WebhookQueue implements WebhookLog {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<(event: WebhookQueueEvent) => void>();
  private inFlight = 0;
  private closed = false;
  private nextId = 1;
  private readonly unsubscribe: () => void;

  constructor(private readonly world: World) {
    this.unsubscribe = world.onEvent((event) => this.enqueue(event));
  }

  private enqueue(event: MarketEvent): void {
    const userId = event.kind === 'purchase' ? event.sellerId : event.recipientId;
    const account = this.world.accounts.get(userId);
    const url = account?.webhooks[event.kind];
    if (account === undefined || url === undefined || this.closed) return;
    const payload = buildWebhook(event, this.world, account.apiKey, this.world.config.settings);
    this.send({ ...payload, url, userId, replayOf: null });
  }

  private send(
    fields: Pick<WebhookDelivery, 'kind' | 'url' | 'userId' | 'body' | 'signature' | 'replayOf'>,
  ): WebhookDelivery {
    const delivery: WebhookDelivery = {
      id: this.nextId++,
      ...fields,
      attempts: [],
      state: 'pending',
      nextAttemptAt: Date.now(),
    };
    this.deliveries.push(delivery);
    this.report({ type: 'queued', delivery });
    this.schedule(delivery, 0);
    return delivery;
  }

  /**
   * Sends a past delivery again, byte for byte (same body, same signature, same `unique_id`), as a
   * new delivery with its own attempts: what a handler must recognise as a redelivery.
   *
   * @param url Where to send it. @defaultValue the receiving account's current URL for that kind,
   *   else the URL of the original delivery
   * @throws {EmulatorError} `ERR_NOT_FOUND` when no delivery has that id (the log may have been
   *   cleared), `ERR_OPERATION_REFUSED` once the emulator stopped.
   */
  replay(id: number, url?: string): WebhookDelivery {
    const original = this.deliveries.find((delivery) => delivery.id === id);
    if (original === undefined)
      throw new EmulatorError('ERR_NOT_FOUND', `No webhook delivery ${id} in the log.`);
    if (this.closed) throw new EmulatorError('ERR_OPERATION_REFUSED', 'The emulator stopped.');
    const current = this.world.accounts.get(original.userId)?.webhooks[original.kind];
    return this.send({
      kind: original.kind,
      url: url ?? current ?? original.url,
      userId: original.userId,
      body: original.body,
      signature: original.signature,
      replayOf: original.id,
    });
  }

  /** Calls `listener` when a delivery is queued and after each attempt. */
  onEvent(listener: (event: WebhookQueueEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private report(event: WebhookQueueEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener (a log, a stream to a closed socket) never breaks deliveries.
      }
    }
  }

  private schedule(delivery: WebhookDelivery, delayMs: number): void {
    delivery.nextAttemptAt = Date.now() + delayMs;
    this.inFlight += 1;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery).finally(() => {
        this.inFlight = Math.max(0, this.inFlight - 1);
        this.notifyIdle();
      });
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    if (this.closed) return;
    const { maxAttempts, baseDelayMs, maxDelayMs, timeoutMs } =
      this.world.config.settings.webhookRetry;
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(
      () => controller.abort(new Error(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const at = Date.now();
    let attempt: DeliveryAttempt;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'neverlose-emulator' },
        body: delivery.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      const text = await response.text();
      attempt = {
        at,
        durationMs: Date.now() - at,
        status: response.status,
        responseBody: text.slice(0, 1024),
      };
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      attempt = { at, durationMs: Date.now() - at, status: null, error: describe(reason) };
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
    }
    delivery.attempts.push(attempt);
    if (attempt.status !== null && attempt.status >= 200 && attempt.status < 300) {
      delivery.state = 'delivered';
      delivery.nextAttemptAt = null;
    } else if (delivery.attempts.length >= maxAttempts || this.closed) {
      delivery.state = 'failed';
      delivery.nextAttemptAt = null;
    } else {
      this.schedule(
        delivery,
        Math.min(maxDelayMs, baseDelayMs * 2 ** (delivery.attempts.length - 1)),
      );
    }
    this.report({ type: 'attempted', delivery, attempt });
  }

  /** Resolves when no delivery is pending (all delivered or failed). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  private notifyIdle(): void {
    if (this.inFlight !== 0) return;
    for (const resolve of this.waiters) resolve();
    this.waiters.clear();
  }

  /** Forgets the delivery log (pending deliveries keep running). */
  clearLog(): void {
    for (let i = this.deliveries.length - 1; i >= 0; i--) {
      if (this.deliveries[i]?.state !== 'pending') this.deliveries.splice(i, 1);
    }
  }

  /** Cancels pending retries and in-flight attempts. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.controllers) controller.abort(new Error('emulator stopped'));
    for (const delivery of this.deliveries) {
      if (delivery.state === 'pending') {
        delivery.state = 'failed';
        delivery.nextAttemptAt = null;
      }
    }
    this.inFlight = 0;
    this.notifyIdle();
    this.listeners.clear();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

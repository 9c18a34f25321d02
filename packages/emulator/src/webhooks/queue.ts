import type { MarketEvent, Store } from '../state/store.js';
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
  readonly attempts: DeliveryAttempt[];
  /** `pending` while attempts remain, `delivered` after a 2xx, `failed` when attempts ran out. */
  state: 'pending' | 'delivered' | 'failed';
  /** When the next attempt is due (epoch ms), while pending. */
  nextAttemptAt: number | null;
}

/**
 * Sends purchase and transfer webhooks to the configured URLs, retrying with exponential backoff
 * (`baseDelayMs`, doubled per attempt, capped at `maxDelayMs`) until a 2xx or `maxAttempts`.
 */
export class WebhookQueue {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  private readonly waiters = new Set<() => void>();
  private inFlight = 0;
  private closed = false;
  private nextId = 1;
  private readonly unsubscribe: () => void;

  constructor(private readonly store: Store) {
    this.unsubscribe = store.onEvent((event) => this.enqueue(event));
  }

  private enqueue(event: MarketEvent): void {
    const userId = event.kind === 'purchase' ? event.sellerId : event.recipientId;
    const account = this.store.accounts.get(userId);
    const url = account?.webhooks[event.kind];
    if (account === undefined || url === undefined || this.closed) return;
    const payload = buildWebhook(event, this.store, account.apiKey, this.store.config.settings);
    const delivery: WebhookDelivery = {
      id: this.nextId++,
      kind: payload.kind,
      url,
      userId,
      body: payload.body,
      signature: payload.signature,
      attempts: [],
      state: 'pending',
      nextAttemptAt: Date.now(),
    };
    this.deliveries.push(delivery);
    this.schedule(delivery, 0);
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
      this.store.config.settings.webhookRetry;
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
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

import type { WebhookEvent } from 'neverlose-market/webhooks';
import type { RedisCommandClient } from 'neverlose-redis';

/** A verified webhook as the `/webhooks` page lists it. */
export interface ReceivedWebhook {
  readonly kind: WebhookEvent['kind'];
  readonly uniqueId: number;
  readonly username: string;
  /** The amount exactly as the provider wrote it. */
  readonly amount: string;
  /** The market item of a purchase. */
  readonly itemId?: string;
  /** Milliseconds since the epoch. */
  readonly receivedAt: number;
}

/** The most recent verified webhooks, newest first. */
export interface WebhookLog {
  add(webhook: ReceivedWebhook): Promise<void>;
  recent(): Promise<readonly ReceivedWebhook[]>;
}

/** How many webhooks the page keeps. */
export const WEBHOOK_LOG_SIZE = 100;

export function toReceived(event: WebhookEvent, receivedAt: number): ReceivedWebhook {
  return {
    kind: event.kind,
    uniqueId: event.uniqueId,
    username: event.username,
    amount: event.amountText,
    ...(event.kind === 'purchase' ? { itemId: event.itemId } : {}),
    receivedAt,
  };
}

/** This process only: enough for one instance. */
export class MemoryWebhookLog implements WebhookLog {
  readonly #entries: ReceivedWebhook[] = [];

  async add(webhook: ReceivedWebhook): Promise<void> {
    this.#entries.unshift(webhook);
    this.#entries.length = Math.min(this.#entries.length, WEBHOOK_LOG_SIZE);
  }

  async recent(): Promise<readonly ReceivedWebhook[]> {
    return [...this.#entries];
  }
}

/** A capped Redis list, so every instance lists the webhooks any instance received. */
export class RedisWebhookLog implements WebhookLog {
  readonly #client: RedisCommandClient;
  readonly #key: string;

  constructor(client: RedisCommandClient, prefix: string) {
    this.#client = client;
    this.#key = `${prefix}reseller-shop:webhooks`;
  }

  async add(webhook: ReceivedWebhook): Promise<void> {
    await this.#client.sendCommand(['LPUSH', this.#key, JSON.stringify(webhook)]);
    await this.#client.sendCommand(['LTRIM', this.#key, '0', String(WEBHOOK_LOG_SIZE - 1)]);
  }

  async recent(): Promise<readonly ReceivedWebhook[]> {
    const reply = await this.#client.sendCommand(['LRANGE', this.#key, '0', '-1']);
    if (!Array.isArray(reply))
      throw new Error(`Unexpected LRANGE reply from Redis: ${typeof reply}`);
    return reply.map((item) => JSON.parse(String(item)) as ReceivedWebhook);
  }
}

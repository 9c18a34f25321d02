/** Fields every webhook event carries. */
interface EventBase {
  /** The amount as a number (a Python float on the provider's side). */
  readonly amount: number;
  /** The amount exactly as the body wrote it (`"0.9"`, `"1"`): use it for decimal arithmetic. */
  readonly amountText: string;
  /** The sender (transfer) or the buyer (purchase). */
  readonly username: string;
  /** The provider's incrementing id of this event, unique per kind: deduplicate on it. */
  readonly uniqueId: number;
  /** The verified signature. */
  readonly signature: string;
}

/** NLE was transferred to your account. */
export interface TransferEvent extends EventBase {
  readonly kind: 'transfer';
}

/** One of your market items was bought. */
export interface PurchaseEvent extends EventBase {
  readonly kind: 'purchase';
  /** The item's market code. */
  readonly itemId: string;
}

/** A verified webhook event: switch on `kind`. */
export type WebhookEvent = TransferEvent | PurchaseEvent;

/** The event kinds this version knows. */
export const WEBHOOK_KINDS = ['transfer', 'purchase'] as const;

/** @internal The exact field set of each kind, as sent. */
export const EVENT_FIELDS: Readonly<Record<WebhookEvent['kind'], readonly string[]>> = {
  transfer: ['kind', 'amount', 'username', 'unique_id', 'signature'],
  purchase: ['kind', 'amount', 'username', 'unique_id', 'item_id', 'signature'],
};

import type { OAuthClientPermission } from '../config/seed.js';

/*
 * The records the world holds, as the persistence file stores them. Amounts are hundredths of NLE
 * (`money.ts`).
 */

/** A user, as the emulator holds it. */
export interface UserRecord {
  id: number;
  login: string;
  email: string;
  /** Empty: the emulator's own placeholder avatar. */
  avatarUrl: string;
  regDate: string;
  balanceCents: number;
  invited: string[];
  items: string[];
  /** Product name -> subscription end, epoch milliseconds. */
  subscriptions: Record<string, number>;
}

export interface PlanRecord {
  cnt: number;
  days: number;
  eur: number;
  rub: number;
}

export interface ProductRecord {
  name: string;
  title: string;
  public: boolean;
  plans: PlanRecord[];
}

export interface ItemRecord {
  code: string;
  name: string;
  priceCents: number;
  sellerId: number;
}

/** Prices set with `set-reseller-prices`. */
export interface ResellerPrices {
  /** The parsed prices object, keys normalized to `<product>-<days>` or `marketplace`. */
  prices: Record<string, Record<string, string | [string, string]>>;
  setAt: number;
  expiresAt: number;
}

export interface IntegrationRecord {
  id: number;
  name: string;
  redirectUrl: string;
  public: boolean;
  prices: ResellerPrices | undefined;
}

export interface MarketAccountRecord {
  userId: number;
  apiKey: string;
  reseller: boolean;
  webhooks: { purchase?: string; transfer?: string };
  integration: IntegrationRecord | undefined;
}

export interface OAuthClientRecord {
  clientId: string;
  clientSecret: string;
  name: string;
  redirectUris: string[];
  permissions: OAuthClientPermission[];
}

/** One applied money (or item) operation. A test of faults counts duplicates and gaps here. */
export interface LedgerEntry {
  seq: number;
  /** The market user whose request applied it; `null` for admin and page operations. */
  userId: number | null;
  /** The request `id` as text; `null` when the operation did not come from the market API. */
  requestId: string | null;
  /** `give-for-free`, `transfer-money`, `gift-product`, `purchase` or `transfer`. */
  method: string;
  params: Record<string, unknown>;
  appliedAt: number;
}

/** A webhook-worthy event, emitted after an operation is applied. */
export type MarketEvent =
  | {
      kind: 'purchase';
      sellerId: number;
      buyer: string;
      itemCode: string;
      amountCents: number;
      uniqueId: number;
    }
  | {
      kind: 'transfer';
      recipientId: number;
      sender: string;
      amountCents: number;
      uniqueId: number;
    };

/** The world as written to the persistence file. */
export interface WorldSnapshot {
  version: 1;
  users: UserRecord[];
  products: ProductRecord[];
  items: ItemRecord[];
  marketAccounts: MarketAccountRecord[];
  oauthClients: OAuthClientRecord[];
  completedIds: [string, { method: string; appliedAt: number }][];
  ledger: LedgerEntry[];
  counters: { purchase: number; transfer: number; ledger: number };
}

/** Who applied an operation: the market request's user and id, or `null` for the emulator. */
export interface Origin {
  readonly userId: number | null;
  readonly requestId: string | null;
}

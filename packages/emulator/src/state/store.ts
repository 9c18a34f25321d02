import { randomBytes } from 'node:crypto';
import type { OAuthClientPermission, ResolvedConfig } from '../config/seed.js';
import { EmulatorError } from '../errors.js';
import { toCents } from './money.js';

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

/** The persistent part of the state, as written to the persistence file. */
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

/** The provider's refusal of an operation; `message` is the provider's error string. */
export class OperationRefused extends EmulatorError {
  constructor(message: string) {
    super('ERR_OPERATION_REFUSED', message);
  }
}

/**
 * The error strings of operations (those docs/provider-facts.md#error-strings lists as seen in
 * public code are the provider's; the rest are ours).
 */
export const OPERATION_ERRORS = {
  userNotFound: "User doesn't exist",
  alreadyHasItem: 'This user already has this item',
  invalidItem: 'invalid item',
  notEnoughBalance: 'Not enough balance',
  invalidAmount: 'Invalid amount',
  invalidProduct: 'Invalid product',
  invalidCnt: 'Invalid cnt',
  notInvited: 'User is not invited to this product',
  selfTransfer: "You can't transfer to yourself",
} as const;

function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * The emulator's state. The "world" (users, balances, items, accounts, clients, the idempotency
 * ledger) is persisted; OAuth codes, tokens and logs live only in memory.
 */
export class Store {
  users = new Map<number, UserRecord>();
  products = new Map<string, ProductRecord>();
  items = new Map<string, ItemRecord>();
  accounts = new Map<number, MarketAccountRecord>();
  clients = new Map<string, OAuthClientRecord>();
  /** `<user_id>:<id>` -> the completed action. */
  completedIds = new Map<string, { method: string; appliedAt: number }>();
  ledger: LedgerEntry[] = [];
  counters = { purchase: 0, transfer: 0, ledger: 0 };

  private readonly listeners = new Set<(event: MarketEvent) => void>();
  private readonly changeListeners = new Set<() => void>();

  private seed: ResolvedConfig;

  constructor(
    private initialSeed: ResolvedConfig,
    readonly now: () => number = Date.now,
  ) {
    this.seed = initialSeed;
    this.load(seedWorld(initialSeed));
  }

  /** The config the world was seeded from, with later seeding merged in (settings included). */
  get config(): ResolvedConfig {
    return this.seed;
  }

  /**
   * Replaces the world with a fresh copy of the start-up seed, or of a new seed that then
   * becomes the one later resets return to.
   */
  reset(seed: ResolvedConfig = this.initialSeed): void {
    this.initialSeed = seed;
    this.seed = seed;
    this.load(seedWorld(seed));
    this.changed();
  }

  /** Records that entries of `seed` were merged into the world (`POST /admin/api/seed`). */
  adoptSeed(seed: ResolvedConfig): void {
    this.seed = seed;
  }

  /** A deep copy of the persistent world. */
  snapshot(): WorldSnapshot {
    return clone({
      version: 1,
      users: [...this.users.values()],
      products: [...this.products.values()],
      items: [...this.items.values()],
      marketAccounts: [...this.accounts.values()],
      oauthClients: [...this.clients.values()],
      completedIds: [...this.completedIds.entries()],
      ledger: this.ledger,
      counters: this.counters,
    });
  }

  /** Replaces the world with a snapshot (from the persistence file). */
  load(snapshot: WorldSnapshot): void {
    const s = clone(snapshot);
    this.users = new Map(s.users.map((u) => [u.id, u]));
    this.products = new Map(s.products.map((p) => [p.name, p]));
    this.items = new Map(s.items.map((i) => [i.code, i]));
    this.accounts = new Map(s.marketAccounts.map((a) => [a.userId, a]));
    this.clients = new Map(s.oauthClients.map((c) => [c.clientId, c]));
    this.completedIds = new Map(s.completedIds);
    this.ledger = s.ledger;
    this.counters = s.counters;
  }

  /** Calls `listener` for each applied purchase or transfer. */
  onEvent(listener: (event: MarketEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` after each change of the persistent world. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Signals a change of the world made from outside the store's operations. */
  changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  private emit(event: MarketEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** The user with this login, compared case-insensitively as Neverlose does. */
  userByLogin(login: string): UserRecord | undefined {
    const wanted = login.toLowerCase();
    for (const user of this.users.values()) if (user.login.toLowerCase() === wanted) return user;
    return undefined;
  }

  /** The integration with this id, and its owner's account. */
  integration(
    id: number,
  ): { account: MarketAccountRecord; integration: IntegrationRecord } | undefined {
    for (const account of this.accounts.values()) {
      if (account.integration?.id === id) return { account, integration: account.integration };
    }
    return undefined;
  }

  /** The reseller prices of an integration, unless missing or expired. */
  activePrices(integration: IntegrationRecord): ResellerPrices | undefined {
    const prices = integration.prices;
    return prices !== undefined && prices.expiresAt > this.now() ? prices : undefined;
  }

  isIdCompleted(userId: number, id: string): boolean {
    return this.completedIds.has(`${userId}:${id}`);
  }

  private record(
    userId: number | null,
    requestId: string | null,
    method: string,
    params: Record<string, unknown>,
  ) {
    const appliedAt = this.now();
    if (userId !== null && requestId !== null)
      this.completedIds.set(`${userId}:${requestId}`, { method, appliedAt });
    this.counters.ledger += 1;
    this.ledger.push({ seq: this.counters.ledger, userId, requestId, method, params, appliedAt });
  }

  private recipient(login: string): UserRecord {
    const user = this.userByLogin(login);
    if (user === undefined) throw new OperationRefused(OPERATION_ERRORS.userNotFound);
    return user;
  }

  /**
   * Gives a seller's item to a user for free (`give-for-free`).
   * @throws {OperationRefused}
   */
  giveForFree(sellerId: number, username: string, code: string, origin: Origin): void {
    const item = this.items.get(code);
    if (item === undefined || item.sellerId !== sellerId)
      throw new OperationRefused(OPERATION_ERRORS.invalidItem);
    const user = this.recipient(username);
    if (user.items.includes(code)) throw new OperationRefused(OPERATION_ERRORS.alreadyHasItem);
    user.items.push(code);
    this.record(origin.userId, origin.requestId, 'give-for-free', { username: user.login, code });
    this.changed();
  }

  /**
   * Moves NLE from one user to another (`transfer-money`, or a transfer on the emulator's pages).
   * @throws {OperationRefused}
   */
  transfer(
    fromId: number,
    username: string,
    amountCents: number,
    origin: Origin,
    method = 'transfer-money',
  ): void {
    const from = this.users.get(fromId);
    if (from === undefined) throw new OperationRefused(OPERATION_ERRORS.userNotFound);
    if (!Number.isSafeInteger(amountCents) || amountCents <= 0)
      throw new OperationRefused(OPERATION_ERRORS.invalidAmount);
    const to = this.recipient(username);
    if (to.id === from.id) throw new OperationRefused(OPERATION_ERRORS.selfTransfer);
    if (from.balanceCents < amountCents)
      throw new OperationRefused(OPERATION_ERRORS.notEnoughBalance);
    from.balanceCents -= amountCents;
    to.balanceCents += amountCents;
    this.record(origin.userId, origin.requestId, method, {
      from: from.login,
      username: to.login,
      amount: amountCents / 100,
    });
    this.counters.transfer += 1;
    this.changed();
    this.emit({
      kind: 'transfer',
      recipientId: to.id,
      sender: from.login,
      amountCents,
      uniqueId: this.counters.transfer,
    });
  }

  /**
   * A reseller gifts a subscription plan, paying its NLE price (`gift-product`).
   * @throws {OperationRefused}
   */
  giftProduct(
    resellerId: number,
    username: string,
    productName: string,
    cnt: number,
    origin: Origin,
  ): void {
    const reseller = this.users.get(resellerId);
    if (reseller === undefined) throw new OperationRefused(OPERATION_ERRORS.userNotFound);
    const product = this.products.get(productName);
    if (product === undefined) throw new OperationRefused(OPERATION_ERRORS.invalidProduct);
    const plan = product.plans.find((p) => p.cnt === cnt);
    if (plan === undefined) throw new OperationRefused(OPERATION_ERRORS.invalidCnt);
    const user = this.recipient(username);
    if (!product.public && !user.invited.includes(product.name))
      throw new OperationRefused(OPERATION_ERRORS.notInvited);
    const price = toCents(plan.eur) ?? 0;
    if (reseller.balanceCents < price)
      throw new OperationRefused(OPERATION_ERRORS.notEnoughBalance);
    reseller.balanceCents -= price;
    const start = Math.max(this.now(), user.subscriptions[product.name] ?? 0);
    user.subscriptions[product.name] = start + plan.days * 86_400_000;
    this.record(origin.userId, origin.requestId, 'gift-product', {
      username: user.login,
      product: product.name,
      cnt,
      days: plan.days,
      price: price / 100,
    });
    this.changed();
  }

  /**
   * A user buys a market item: the buyer pays its price, the seller gets it minus the market fee
   * and a `purchase` webhook.
   * @throws {OperationRefused}
   */
  purchase(buyerLogin: string, code: string): void {
    const item = this.items.get(code);
    if (item === undefined) throw new OperationRefused(OPERATION_ERRORS.invalidItem);
    const buyer = this.recipient(buyerLogin);
    if (buyer.items.includes(code)) throw new OperationRefused(OPERATION_ERRORS.alreadyHasItem);
    if (buyer.balanceCents < item.priceCents)
      throw new OperationRefused(OPERATION_ERRORS.notEnoughBalance);
    const seller = this.users.get(item.sellerId);
    if (seller === undefined) throw new OperationRefused(OPERATION_ERRORS.invalidItem);
    const credit = Math.round(
      (item.priceCents * (100 - this.seed.settings.marketFeePercent)) / 100,
    );
    buyer.balanceCents -= item.priceCents;
    seller.balanceCents += credit;
    buyer.items.push(code);
    this.record(null, null, 'purchase', {
      buyer: buyer.login,
      code,
      price: item.priceCents / 100,
      sellerCredit: credit / 100,
    });
    this.counters.purchase += 1;
    this.changed();
    this.emit({
      kind: 'purchase',
      sellerId: seller.id,
      buyer: buyer.login,
      itemCode: code,
      amountCents: credit,
      uniqueId: this.counters.purchase,
    });
  }

  /** Fresh random text for ids and secrets. */
  static randomId(bytes = 24): string {
    return randomBytes(bytes).toString('base64url');
  }
}

/** Who applied an operation: the market request's user and id, or `null` for the emulator. */
export interface Origin {
  readonly userId: number | null;
  readonly requestId: string | null;
}

/** Builds the initial world from a resolved config. */
export function seedWorld(config: ResolvedConfig): WorldSnapshot {
  return {
    version: 1,
    users: config.users.map((u) => ({
      id: u.id,
      login: u.login,
      email: u.email,
      avatarUrl: u.avatarUrl,
      regDate: u.regDate,
      balanceCents: toCents(u.balance) ?? 0,
      invited: [...u.invited],
      items: [...u.items],
      subscriptions: {},
    })),
    products: config.products.map((p) => ({
      name: p.name,
      title: p.title,
      public: p.public,
      plans: p.plans.map((plan) => ({ ...plan })),
    })),
    items: config.items.map((i) => ({
      code: i.code,
      name: i.name,
      priceCents: toCents(i.price) ?? 0,
      sellerId: i.sellerId,
    })),
    marketAccounts: config.marketAccounts.map((a) => ({
      userId: a.userId,
      apiKey: a.apiKey,
      reseller: a.reseller,
      webhooks: { ...a.webhooks },
      integration:
        a.integration === undefined ? undefined : { ...a.integration, prices: undefined },
    })),
    oauthClients: config.oauthClients.map((c) => ({
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      name: c.name,
      redirectUris: [...c.redirectUris],
      permissions: [...c.permissions],
    })),
    completedIds: [],
    ledger: [],
    counters: { purchase: 0, transfer: 0, ledger: 0 },
  };
}

import type { ResolvedConfig } from '../config/seed.js';
import { EmulatorError } from '../errors.js';
import type {
  IntegrationRecord,
  ItemRecord,
  LedgerEntry,
  MarketAccountRecord,
  MarketEvent,
  OAuthClientRecord,
  Origin,
  ProductRecord,
  ResellerPrices,
  UserRecord,
  WorldSnapshot,
} from './records.js';
import { seedWorld } from './seeding.js';

function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * The emulator's world: users, balances, items, market accounts, OAuth clients and the idempotency
 * ledger, the part of the emulator that is persisted (OAuth codes, tokens and logs are not).
 */
export class World {
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

  /** Signals a change of the world made from outside the world's operations. */
  changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  /** Tells the listeners of {@link onEvent} that an operation applied `event`. */
  emit(event: MarketEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** The user with this login, compared case-insensitively as Neverlose does. */
  userByLogin(login: string): UserRecord | undefined {
    const wanted = login.toLowerCase();
    for (const user of this.users.values()) if (user.login.toLowerCase() === wanted) return user;
    return undefined;
  }

  /**
   * The user with this login, for an operation of the emulator's own (admin API, `RunningEmulator`).
   *
   * @throws {EmulatorError} `ERR_NOT_FOUND` when there is none.
   */
  requireUser(login: string): UserRecord {
    const user = this.userByLogin(login);
    if (user === undefined) throw new EmulatorError('ERR_NOT_FOUND', `No user "${login}".`);
    return user;
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

  /**
   * Appends an applied operation to the ledger and, for a market request, marks its `id` as
   * completed.
   */
  record(origin: Origin, method: string, params: Record<string, unknown>): void {
    const { userId, requestId } = origin;
    const appliedAt = this.now();
    if (userId !== null && requestId !== null)
      this.completedIds.set(`${userId}:${requestId}`, { method, appliedAt });
    this.counters.ledger += 1;
    this.ledger.push({ seq: this.counters.ledger, userId, requestId, method, params, appliedAt });
  }
}

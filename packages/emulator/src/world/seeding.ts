import type { ResolvedConfig } from '../config/seed.js';
import { toCents } from './money.js';
import type { WorldSnapshot } from './records.js';

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

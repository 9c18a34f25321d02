import type { EmulatorContext } from '../emulator-context.js';
import { fromCents } from '../world/money.js';
import type { ItemRecord, MarketAccountRecord, UserRecord } from '../world/records.js';

/** A user as the admin API shows it (NLE as numbers, dates as ISO text). */
export function userView(user: UserRecord) {
  return {
    id: user.id,
    login: user.login,
    email: user.email,
    avatarUrl: user.avatarUrl,
    regDate: user.regDate,
    balance: fromCents(user.balanceCents),
    invited: [...user.invited],
    items: [...user.items],
    subscriptions: Object.fromEntries(
      Object.entries(user.subscriptions).map(([product, until]) => [
        product,
        new Date(until).toISOString(),
      ]),
    ),
  };
}

export function itemView(item: ItemRecord) {
  return {
    code: item.code,
    name: item.name,
    price: fromCents(item.priceCents),
    sellerId: item.sellerId,
  };
}

export function accountView(app: EmulatorContext, account: MarketAccountRecord) {
  const integration = account.integration;
  const prices = integration === undefined ? undefined : app.world.activePrices(integration);
  return {
    userId: account.userId,
    apiKey: account.apiKey,
    reseller: account.reseller,
    webhooks: { ...account.webhooks },
    integration:
      integration === undefined
        ? null
        : {
            id: integration.id,
            name: integration.name,
            redirectUrl: integration.redirectUrl,
            public: integration.public,
            prices:
              prices === undefined
                ? null
                : {
                    prices: prices.prices,
                    setAt: new Date(prices.setAt).toISOString(),
                    expiresAt: new Date(prices.expiresAt).toISOString(),
                    remainingSeconds: Math.max(
                      0,
                      Math.floor((prices.expiresAt - app.world.now()) / 1000),
                    ),
                  },
          },
  };
}

/** Codes and tokens, for the dashboard and `GET /admin/api/tokens`. */
export function tokensView(app: EmulatorContext) {
  const now = app.world.now();
  return {
    pendingAuthorizations: [...app.sessions.pending.values()].map((p) => ({
      clientId: p.clientId,
      redirectUri: p.redirectUri,
      scopes: p.scopes,
      userId: p.userId ?? null,
      createdAt: new Date(p.createdAt).toISOString(),
    })),
    codes: [...app.sessions.codes.values()].map((c) => ({
      code: c.code,
      clientId: c.clientId,
      userId: c.userId,
      scopes: c.scopes,
      redirectUri: c.redirectUri,
      pkce: c.codeChallenge !== undefined,
      used: c.used,
      expired: c.expiresAt <= now,
      expiresAt: new Date(c.expiresAt).toISOString(),
    })),
    tokens: [...app.sessions.tokens.values()].map((t) => ({
      accessToken: t.accessToken,
      clientId: t.clientId,
      userId: t.userId,
      scopes: t.scopes,
      revoked: t.revoked,
      expired: t.expiresAt <= now,
      expiresAt: new Date(t.expiresAt).toISOString(),
    })),
  };
}

/** Everything an admin may want at once. */
export function worldView(app: EmulatorContext) {
  const world = app.world;
  return {
    url: app.baseUrl(),
    issuer: app.issuer(),
    users: [...world.users.values()].map(userView),
    products: [...world.products.values()],
    items: [...world.items.values()].map(itemView),
    marketAccounts: [...world.accounts.values()].map((a) => accountView(app, a)),
    oauthClients: [...world.clients.values()],
    counters: { ...world.counters },
    settings: world.config.settings,
  };
}

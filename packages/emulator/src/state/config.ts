import { EmulatorError } from '../errors.js';

/** A user of the emulated Neverlose. */
export interface UserSeed {
  /** Numeric user id (the OIDC `sub`, `cc.neverlose.user_id` and the market `user_id`). */
  readonly id: number;
  /** Login (username), matched case-insensitively by the market API as on Neverlose. */
  readonly login: string;
  /** @defaultValue `<login>@example.test` */
  readonly email?: string;
  /** URL of a PNG avatar. @defaultValue a data-free placeholder URL on the emulator itself. */
  readonly avatarUrl?: string;
  /** Registration date, `YYYY-MM-DD` (`cc.neverlose.reg_date`). @defaultValue `2020-01-01` */
  readonly regDate?: string;
  /** NLE balance. At most two decimals. @defaultValue `0` */
  readonly balance?: number;
  /** Products the user is invited to (needed to gift a product that is not public). */
  readonly invited?: readonly string[];
  /** Market item codes the user already owns. */
  readonly items?: readonly string[];
}

/** One subscription plan of a product (the `cnt` table of `gift-product`). */
export interface PlanSeed {
  readonly cnt: number;
  readonly days: number;
  /** Price in NLE (the `eur` column of `get-prices`: 1 NLE = 1 EUR). */
  readonly eur: number;
  /** Converted price in RUB, as `get-prices` reports it. */
  readonly rub: number;
}

/** A product (`csgo`, `cs2`): the `product` field of `gift-product` and friends. */
export interface ProductSeed {
  readonly name: string;
  /** @defaultValue the name */
  readonly title?: string;
  /** A public cheat needs no invite (`cheat_public`). @defaultValue `true` */
  readonly public?: boolean;
  /** @defaultValue the docs' table: 30/90/180/365 days for 17.1/44.1/80.1/134.1 NLE */
  readonly plans?: readonly PlanSeed[];
}

/** A market item that users can buy and its seller can give away (`give-for-free`). */
export interface ItemSeed {
  /** Market code, such as `E3yugw`. */
  readonly code: string;
  /** @defaultValue the code */
  readonly name?: string;
  /** Price in NLE. */
  readonly price: number;
  /** User id of the seller: receives the purchase webhook and may `give-for-free` it. */
  readonly sellerId: number;
}

/** A reseller integration (checkout payment method). */
export interface IntegrationSeed {
  /** Integration id, such as `100`. */
  readonly id: number;
  /** Name shown in the checkout's payment method list. @defaultValue `Reseller <id>` */
  readonly name?: string;
  /** Where the checkout sends the user, with `?nl_purchase=<JWT>` appended. */
  readonly redirectUrl: string;
  /** Visible to every user (`true`) or only to its owner (`false`). @defaultValue `false` */
  readonly public?: boolean;
}

/** Market API settings of one user (the "market API settings" page). */
export interface MarketAccountSeed {
  /** The user these settings belong to (the `user_id` of requests). */
  readonly userId: number;
  /** The market API key: signs requests, webhooks and `nl_purchase` tokens. */
  readonly apiKey: string;
  /** An official reseller may call `transfer-money`, `gift-product`, `get-prices`, `is-user-*`. */
  readonly reseller?: boolean;
  /** Webhook URLs. Both may be the same URL: events carry `kind`. */
  readonly webhooks?: { readonly purchase?: string; readonly transfer?: string };
  /** The reseller integration, when enabled for this account. */
  readonly integration?: IntegrationSeed;
}

/** Permissions a client may be granted by Neverlose. */
export type OAuthClientPermission = 'no_pkce';

/** A registered OAuth/OIDC client. */
export interface OAuthClientSeed {
  readonly clientId: string;
  readonly clientSecret: string;
  /** @defaultValue the client id */
  readonly name?: string;
  /** Exact redirect URIs; an authorization request must use one of them verbatim. */
  readonly redirectUris: readonly string[];
  /** `no_pkce` lets the client omit PKCE by requesting the `no_pkce` scope. */
  readonly permissions?: readonly OAuthClientPermission[];
}

/** Retry policy of webhook deliveries. */
export interface WebhookRetrySettings {
  /** Total attempts, the first included. @defaultValue `5` */
  readonly maxAttempts: number;
  /** Delay before the 2nd attempt; doubled for each further one. @defaultValue `500` */
  readonly baseDelayMs: number;
  /** Upper bound of one delay. @defaultValue `30000` */
  readonly maxDelayMs: number;
  /** Time allowed for one attempt. @defaultValue `5000` */
  readonly timeoutMs: number;
}

/** Behaviour switches. Every one has a default matching the provider as far as it is known. */
export interface EmulatorSettings {
  /** Lifetime of access tokens and id_tokens. @defaultValue `3600` */
  readonly accessTokenTtlSeconds: number;
  /** Lifetime of authorization codes. @defaultValue `60` */
  readonly codeTtlSeconds: number;
  /** Signing algorithm of id_tokens (the key is generated at start). @defaultValue `'RS256'` */
  readonly idTokenAlg: 'RS256' | 'ES256';
  /**
   * The earlier fixed token path `/oauth/token` also returns an `id_token`. The earlier docs
   * issued none. @defaultValue `false`
   */
  readonly legacyTokenEndpointIssuesIdToken: boolean;
  /** Share of an item's price kept by the market; the seller gets the rest. @defaultValue `10` */
  readonly marketFeePercent: number;
  /**
   * Whether webhook signatures cover the `kind` field. The docs' examples verify without it and
   * whether live signatures include it is not documented. @defaultValue `false`
   */
  readonly webhookSignatureCoversKind: boolean;
  /**
   * Print an integral webhook `amount` as `1` (as the docs' transfer example does) instead of
   * `1.0`. The signature always covers the Python float text (`1.0`). @defaultValue `true`
   */
  readonly webhookIntegralAmountAsInteger: boolean;
  readonly webhookRetry: WebhookRetrySettings;
  /** Largest request body accepted, in bytes. @defaultValue `65536` */
  readonly maxBodyBytes: number;
  /** Lifetime of prices set with `set-reseller-prices`. @defaultValue `86400` (24 hours) */
  readonly resellerPricesTtlSeconds: number;
  /** Entries kept in the API call log. @defaultValue `1000` */
  readonly callLogLimit: number;
}

/**
 * The emulator's seed: everything a fresh (or reset) emulator contains. Every list is optional:
 * a missing one is empty, except `products`, which defaults to the docs' `csgo` and `cs2`.
 */
export interface EmulatorConfig {
  /**
   * The `iss` of id_tokens and discovery. @defaultValue the emulator's own URL, which is what
   * an OIDC client discovering it expects.
   */
  readonly issuer?: string;
  readonly users?: readonly UserSeed[];
  readonly products?: readonly ProductSeed[];
  readonly items?: readonly ItemSeed[];
  readonly marketAccounts?: readonly MarketAccountSeed[];
  readonly oauthClients?: readonly OAuthClientSeed[];
  readonly settings?: Partial<Omit<EmulatorSettings, 'webhookRetry'>> & {
    readonly webhookRetry?: Partial<WebhookRetrySettings>;
  };
}

/** A config with every default filled in and every rule checked. */
export interface ResolvedConfig {
  readonly issuer: string | undefined;
  readonly users: readonly Required<UserSeed>[];
  readonly products: readonly Required<ProductSeed>[];
  readonly items: readonly Required<ItemSeed>[];
  readonly marketAccounts: readonly ResolvedMarketAccount[];
  readonly oauthClients: readonly Required<OAuthClientSeed>[];
  readonly settings: EmulatorSettings;
}

/** A market account with defaults filled in. */
export interface ResolvedMarketAccount {
  readonly userId: number;
  readonly apiKey: string;
  readonly reseller: boolean;
  readonly webhooks: { readonly purchase?: string; readonly transfer?: string };
  readonly integration: Required<IntegrationSeed> | undefined;
}

/** The docs' `gift-product` / `get-prices` table. */
export const DOCS_PLANS: readonly PlanSeed[] = [
  { cnt: 0, days: 30, eur: 17.1, rub: 1368 },
  { cnt: 1, days: 90, eur: 44.1, rub: 3529 },
  { cnt: 2, days: 180, eur: 80.1, rub: 6410 },
  { cnt: 3, days: 365, eur: 134.1, rub: 10731 },
];

/** The default settings. */
export const DEFAULT_SETTINGS: EmulatorSettings = {
  accessTokenTtlSeconds: 3600,
  codeTtlSeconds: 60,
  idTokenAlg: 'RS256',
  legacyTokenEndpointIssuesIdToken: false,
  marketFeePercent: 10,
  webhookSignatureCoversKind: false,
  webhookIntegralAmountAsInteger: true,
  webhookRetry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 5000 },
  maxBodyBytes: 65_536,
  resellerPricesTtlSeconds: 86_400,
  callLogLimit: 1000,
};

/** Options of {@link defaultConfig}. */
export interface DefaultConfigOptions {
  /**
   * Redirect URIs of the seeded OAuth client `emulator-client`.
   * @defaultValue `http://127.0.0.1:3000/callback`, `http://localhost:3000/callback` and the same
   *   with `/auth/callback`
   */
  readonly redirectUris?: readonly string[];
  /** Redirect URL of reseller integration 100. @defaultValue `http://127.0.0.1:3000/checkout` */
  readonly integrationRedirectUrl?: string;
  /** Webhook URL of the reseller and of the item seller (both kinds). @defaultValue none */
  readonly webhookUrl?: string;
}

/**
 * A seed for demos and tests: users `alice`, `bob` and `charlie`; the reseller `reseller` (user id
 * 10, API key `emulator-reseller-key`, integration 100); the seller `shop` (user id 11, API key
 * `emulator-shop-key`) selling item `E3yugw` for 1 NLE; products `csgo` (public) and `cs2`
 * (invite only) with the docs' plans; the OAuth clients `emulator-client` / `emulator-secret` and
 * `emulator-legacy-client` / `emulator-legacy-secret` (permitted `no_pkce`).
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ config: defaultConfig({ redirectUris: ['http://127.0.0.1:5173/cb'] }) });
 * ```
 */
export function defaultConfig(options: DefaultConfigOptions = {}): EmulatorConfig {
  const redirectUris = options.redirectUris ?? [
    'http://127.0.0.1:3000/callback',
    'http://localhost:3000/callback',
    'http://127.0.0.1:3000/auth/callback',
    'http://localhost:3000/auth/callback',
  ];
  const webhooks =
    options.webhookUrl === undefined
      ? {}
      : { purchase: options.webhookUrl, transfer: options.webhookUrl };
  return {
    users: [
      {
        id: 1,
        login: 'alice',
        email: 'alice@example.test',
        regDate: '2019-04-12',
        balance: 100,
        invited: ['cs2'],
      },
      { id: 2, login: 'bob', email: 'bob@example.test', regDate: '2021-11-03', balance: 25 },
      { id: 3, login: 'charlie', email: 'charlie@example.test', regDate: '2024-06-30', balance: 0 },
      {
        id: 10,
        login: 'reseller',
        email: 'reseller@example.test',
        regDate: '2018-01-20',
        balance: 1000,
        invited: ['cs2'],
      },
      { id: 11, login: 'shop', email: 'shop@example.test', regDate: '2020-08-08', balance: 5 },
    ],
    products: [
      { name: 'csgo', title: 'CS:GO', public: true, plans: DOCS_PLANS },
      { name: 'cs2', title: 'CS2', public: false, plans: DOCS_PLANS },
    ],
    items: [{ code: 'E3yugw', name: 'Demo config', price: 1, sellerId: 11 }],
    marketAccounts: [
      {
        userId: 10,
        apiKey: 'emulator-reseller-key',
        reseller: true,
        webhooks,
        integration: {
          id: 100,
          name: 'Emulator reseller',
          redirectUrl: options.integrationRedirectUrl ?? 'http://127.0.0.1:3000/checkout',
          public: false,
        },
      },
      { userId: 11, apiKey: 'emulator-shop-key', reseller: false, webhooks },
    ],
    oauthClients: [
      {
        clientId: 'emulator-client',
        clientSecret: 'emulator-secret',
        name: 'Emulator example app',
        redirectUris,
        permissions: [],
      },
      {
        clientId: 'emulator-legacy-client',
        clientSecret: 'emulator-legacy-secret',
        name: 'Emulator legacy app',
        redirectUris,
        permissions: ['no_pkce'],
      },
    ],
  };
}

const LOGIN_RE = /^[A-Za-z0-9_.-]{1,32}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const PRODUCT_RE = /^[a-z0-9]{1,32}$/;
const ITEM_RE = /^[A-Za-z0-9]{1,32}$/;

function fail(path: string, rule: string): never {
  throw new EmulatorError('ERR_CONFIG_INVALID', `Invalid emulator config: ${path} ${rule}.`);
}

function obj(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, 'must be an object');
  }
  return value as Record<string, unknown>;
}

function list(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array');
  return value;
}

function int(value: unknown, path: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(path, `must be an integer >= ${min}`);
  }
  return value;
}

function text(value: unknown, path: string, re?: RegExp): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'must be a non-empty string');
  if (re !== undefined && !re.test(value)) fail(path, `must match ${re}`);
  return value;
}

function opt<T>(value: unknown, fallback: T, check: (value: unknown) => T): T {
  return value === undefined ? fallback : check(value);
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'must be a boolean');
  return value;
}

/** An NLE amount: finite, >= 0, at most two decimals. */
function nle(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(path, 'must be a number >= 0');
  }
  if (Math.abs(Math.round(value * 100) - value * 100) > 1e-6)
    fail(path, 'has more than 2 decimals');
  return value;
}

function url(value: unknown, path: string): string {
  const raw = text(value, path);
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    fail(path, 'must be an absolute http(s) URL');
  }
  return raw;
}

function unique<T>(values: readonly T[], key: (value: T) => string, path: string): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    const k = key(value);
    if (seen.has(k)) fail(`${path}[${index}]`, `repeats ${JSON.stringify(k)}`);
    seen.add(k);
  });
}

/**
 * Checks a config (from a file or code) and fills in defaults.
 *
 * @throws {EmulatorError} `ERR_CONFIG_INVALID` naming the field and the rule it breaks.
 */
export function resolveConfig(input: unknown): ResolvedConfig {
  const root = obj(input ?? {}, 'config');
  const issuer = opt(root['issuer'], undefined as string | undefined, (v) => url(v, 'issuer'));

  const products = (
    root['products'] === undefined ? defaultProducts() : list(root['products'], 'products')
  ).map((raw, i) => {
    const p = obj(raw, `products[${i}]`);
    const name = text(p['name'], `products[${i}].name`, PRODUCT_RE);
    if (name === 'marketplace') fail(`products[${i}].name`, 'must not be "marketplace" (reserved)');
    const plans = opt(p['plans'], DOCS_PLANS as readonly PlanSeed[], (v) =>
      list(v, `products[${i}].plans`).map((rawPlan, j) => {
        const plan = obj(rawPlan, `products[${i}].plans[${j}]`);
        const at = `products[${i}].plans[${j}]`;
        return {
          cnt: int(plan['cnt'], `${at}.cnt`),
          days: int(plan['days'], `${at}.days`, 1),
          eur: nle(plan['eur'], `${at}.eur`),
          rub: nle(plan['rub'], `${at}.rub`),
        };
      }),
    );
    unique(plans, (plan) => String(plan.cnt), `products[${i}].plans`);
    unique(plans, (plan) => String(plan.days), `products[${i}].plans`);
    return {
      name,
      title: opt(p['title'], name, (v) => text(v, `products[${i}].title`)),
      public: opt(p['public'], true, (v) => bool(v, `products[${i}].public`)),
      plans,
    };
  });
  unique(products, (p) => p.name, 'products');
  const productNames = new Set(products.map((p) => p.name));

  const users = list(root['users'], 'users').map((raw, i) => {
    const u = obj(raw, `users[${i}]`);
    const login = text(u['login'], `users[${i}].login`, LOGIN_RE);
    const invited = opt(u['invited'], [] as readonly string[], (v) =>
      list(v, `users[${i}].invited`).map((name, j) => {
        const product = text(name, `users[${i}].invited[${j}]`);
        if (!productNames.has(product))
          fail(`users[${i}].invited[${j}]`, 'is not a configured product');
        return product;
      }),
    );
    return {
      id: int(u['id'], `users[${i}].id`, 1),
      login,
      email: opt(u['email'], `${login.toLowerCase()}@example.test`, (v) =>
        text(v, `users[${i}].email`),
      ),
      avatarUrl: opt(u['avatarUrl'], '', (v) => (v === '' ? '' : url(v, `users[${i}].avatarUrl`))),
      regDate: opt(u['regDate'], '2020-01-01', (v) => text(v, `users[${i}].regDate`, DATE_RE)),
      balance: opt(u['balance'], 0, (v) => nle(v, `users[${i}].balance`)),
      invited,
      items: opt(u['items'], [] as readonly string[], (v) =>
        list(v, `users[${i}].items`).map((code, j) => text(code, `users[${i}].items[${j}]`)),
      ),
    };
  });
  unique(users, (u) => String(u.id), 'users');
  unique(users, (u) => u.login.toLowerCase(), 'users');
  const userIds = new Set(users.map((u) => u.id));

  const items = list(root['items'], 'items').map((raw, i) => {
    const it = obj(raw, `items[${i}]`);
    const code = text(it['code'], `items[${i}].code`, ITEM_RE);
    const sellerId = int(it['sellerId'], `items[${i}].sellerId`, 1);
    if (!userIds.has(sellerId)) fail(`items[${i}].sellerId`, 'is not a configured user id');
    return {
      code,
      name: opt(it['name'], code, (v) => text(v, `items[${i}].name`)),
      price: nle(it['price'], `items[${i}].price`),
      sellerId,
    };
  });
  unique(items, (it) => it.code, 'items');
  const itemCodes = new Set(items.map((it) => it.code));
  users.forEach((u, i) => {
    u.items.forEach((code, j) => {
      if (!itemCodes.has(code)) fail(`users[${i}].items[${j}]`, 'is not a configured item code');
    });
  });

  const marketAccounts = list(root['marketAccounts'], 'marketAccounts').map((raw, i) => {
    const a = obj(raw, `marketAccounts[${i}]`);
    const at = `marketAccounts[${i}]`;
    const userId = int(a['userId'], `${at}.userId`, 1);
    if (!userIds.has(userId)) fail(`${at}.userId`, 'is not a configured user id');
    const hooks = opt(a['webhooks'], {} as Record<string, unknown>, (v) =>
      obj(v, `${at}.webhooks`),
    );
    const webhooks: { purchase?: string; transfer?: string } = {};
    if (hooks['purchase'] !== undefined)
      webhooks.purchase = url(hooks['purchase'], `${at}.webhooks.purchase`);
    if (hooks['transfer'] !== undefined)
      webhooks.transfer = url(hooks['transfer'], `${at}.webhooks.transfer`);
    const integration = opt(
      a['integration'],
      undefined as Required<IntegrationSeed> | undefined,
      (v) => {
        const g = obj(v, `${at}.integration`);
        const id = int(g['id'], `${at}.integration.id`, 1);
        return {
          id,
          name: opt(g['name'], `Reseller ${id}`, (n) => text(n, `${at}.integration.name`)),
          redirectUrl: url(g['redirectUrl'], `${at}.integration.redirectUrl`),
          public: opt(g['public'], false, (p) => bool(p, `${at}.integration.public`)),
        };
      },
    );
    return {
      userId,
      apiKey: text(a['apiKey'], `${at}.apiKey`),
      reseller: opt(a['reseller'], false, (v) => bool(v, `${at}.reseller`)),
      webhooks,
      integration,
    };
  });
  unique(marketAccounts, (a) => String(a.userId), 'marketAccounts');
  unique(
    marketAccounts.filter((a) => a.integration !== undefined),
    (a) => String(a.integration?.id),
    'marketAccounts (integration ids)',
  );

  const oauthClients = list(root['oauthClients'], 'oauthClients').map((raw, i) => {
    const c = obj(raw, `oauthClients[${i}]`);
    const at = `oauthClients[${i}]`;
    const clientId = text(c['clientId'], `${at}.clientId`);
    return {
      clientId,
      clientSecret: text(c['clientSecret'], `${at}.clientSecret`),
      name: opt(c['name'], clientId, (v) => text(v, `${at}.name`)),
      redirectUris: list(c['redirectUris'], `${at}.redirectUris`).map((u, j) =>
        url(u, `${at}.redirectUris[${j}]`),
      ),
      permissions: opt(c['permissions'], [] as readonly OAuthClientPermission[], (v) =>
        list(v, `${at}.permissions`).map((p, j) => {
          if (p !== 'no_pkce') fail(`${at}.permissions[${j}]`, 'must be "no_pkce"');
          return p;
        }),
      ),
    };
  });
  unique(oauthClients, (c) => c.clientId, 'oauthClients');

  return {
    issuer,
    users,
    products,
    items,
    marketAccounts,
    oauthClients,
    settings: resolveSettings(root['settings']),
  };
}

function defaultProducts(): ProductSeed[] {
  return [
    { name: 'csgo', title: 'CS:GO', public: true, plans: DOCS_PLANS },
    { name: 'cs2', title: 'CS2', public: false, plans: DOCS_PLANS },
  ];
}

function resolveSettings(input: unknown): EmulatorSettings {
  const s = opt(input, {} as Record<string, unknown>, (v) => obj(v, 'settings'));
  const d = DEFAULT_SETTINGS;
  const r = opt(s['webhookRetry'], {} as Record<string, unknown>, (v) =>
    obj(v, 'settings.webhookRetry'),
  );
  const alg = opt(s['idTokenAlg'], d.idTokenAlg, (v) => {
    if (v !== 'RS256' && v !== 'ES256') fail('settings.idTokenAlg', 'must be "RS256" or "ES256"');
    return v;
  });
  const fee = opt(s['marketFeePercent'], d.marketFeePercent, (v) =>
    int(v, 'settings.marketFeePercent'),
  );
  if (fee > 100) fail('settings.marketFeePercent', 'must be <= 100');
  return {
    accessTokenTtlSeconds: opt(s['accessTokenTtlSeconds'], d.accessTokenTtlSeconds, (v) =>
      int(v, 'settings.accessTokenTtlSeconds', 1),
    ),
    codeTtlSeconds: opt(s['codeTtlSeconds'], d.codeTtlSeconds, (v) =>
      int(v, 'settings.codeTtlSeconds', 1),
    ),
    idTokenAlg: alg,
    legacyTokenEndpointIssuesIdToken: opt(
      s['legacyTokenEndpointIssuesIdToken'],
      d.legacyTokenEndpointIssuesIdToken,
      (v) => bool(v, 'settings.legacyTokenEndpointIssuesIdToken'),
    ),
    marketFeePercent: fee,
    webhookSignatureCoversKind: opt(
      s['webhookSignatureCoversKind'],
      d.webhookSignatureCoversKind,
      (v) => bool(v, 'settings.webhookSignatureCoversKind'),
    ),
    webhookIntegralAmountAsInteger: opt(
      s['webhookIntegralAmountAsInteger'],
      d.webhookIntegralAmountAsInteger,
      (v) => bool(v, 'settings.webhookIntegralAmountAsInteger'),
    ),
    webhookRetry: {
      maxAttempts: opt(r['maxAttempts'], d.webhookRetry.maxAttempts, (v) =>
        int(v, 'settings.webhookRetry.maxAttempts', 1),
      ),
      baseDelayMs: opt(r['baseDelayMs'], d.webhookRetry.baseDelayMs, (v) =>
        int(v, 'settings.webhookRetry.baseDelayMs'),
      ),
      maxDelayMs: opt(r['maxDelayMs'], d.webhookRetry.maxDelayMs, (v) =>
        int(v, 'settings.webhookRetry.maxDelayMs'),
      ),
      timeoutMs: opt(r['timeoutMs'], d.webhookRetry.timeoutMs, (v) =>
        int(v, 'settings.webhookRetry.timeoutMs', 1),
      ),
    },
    maxBodyBytes: opt(s['maxBodyBytes'], d.maxBodyBytes, (v) =>
      int(v, 'settings.maxBodyBytes', 64),
    ),
    resellerPricesTtlSeconds: opt(s['resellerPricesTtlSeconds'], d.resellerPricesTtlSeconds, (v) =>
      int(v, 'settings.resellerPricesTtlSeconds', 1),
    ),
    callLogLimit: opt(s['callLogLimit'], d.callLogLimit, (v) => int(v, 'settings.callLogLimit', 1)),
  };
}

import { DOCS_PLANS, docsProducts } from './demo-seed.js';
import {
  bool,
  DATE_RE,
  fail,
  ITEM_RE,
  int,
  LOGIN_RE,
  list,
  nle,
  obj,
  opt,
  PRODUCT_RE,
  redirectUri,
  text,
  unique,
  url,
} from './field-rules.js';
import type {
  IntegrationSeed,
  OAuthClientPermission,
  ProductSeed,
  ResolvedConfig,
  WebhookUrls,
} from './seed.js';
import { DEFAULT_SETTINGS, type EmulatorSettings } from './settings.js';

/** The lists of a config. */
export type SeedList = 'users' | 'products' | 'items' | 'marketAccounts' | 'oauthClients';

/**
 * How an entry is named in an error: `users[0]` by default. The admin API's seed names the entries
 * it was sent by their index in its request, and the ones already there by their key.
 */
export type EntryName = (list: SeedList, index: number) => string;

const byIndex: EntryName = (name, index) => `${name}[${index}]`;

/**
 * Checks a config (from a file or code) and fills in defaults.
 *
 * @throws {EmulatorError} `ERR_INVALID_OPTION` naming the field and the rule it breaks.
 * @example
 * ```ts
 * resolveConfig({ users: [{ id: 0, login: 'a' }] }); // Invalid emulator config: users[0].id must be an integer >= 1.
 * ```
 */
export function resolveConfig(input: unknown): ResolvedConfig {
  return resolveNamedConfig(input, byIndex);
}

/** {@link resolveConfig}, naming entries with `entry` in its errors. */
export function resolveNamedConfig(input: unknown, entry: EntryName): ResolvedConfig {
  const root = obj(input ?? {}, 'config');
  const issuer = opt(root['issuer'], undefined as string | undefined, (v) => url(v, 'issuer'));

  const products = (
    root['products'] === undefined ? docsProducts() : list(root['products'], 'products')
  ).map((raw, i) => resolveProduct(raw, entry('products', i)));
  unique(
    products,
    (p) => p.name,
    (i) => entry('products', i),
  );
  const productNames = new Set(products.map((p) => p.name));

  const users = list(root['users'], 'users').map((raw, i) =>
    resolveUser(raw, entry('users', i), productNames),
  );
  unique(
    users,
    (u) => String(u.id),
    (i) => entry('users', i),
  );
  unique(
    users,
    (u) => u.login.toLowerCase(),
    (i) => entry('users', i),
  );
  const userIds = new Set(users.map((u) => u.id));

  const items = list(root['items'], 'items').map((raw, i) =>
    resolveItem(raw, entry('items', i), userIds),
  );
  unique(
    items,
    (it) => it.code,
    (i) => entry('items', i),
  );
  const itemCodes = new Set(items.map((it) => it.code));
  users.forEach((u, i) => {
    u.items.forEach((code, j) => {
      if (!itemCodes.has(code))
        fail(`${entry('users', i)}.items[${j}]`, 'is not a configured item code');
    });
  });

  const marketAccounts = list(root['marketAccounts'], 'marketAccounts').map((raw, i) =>
    resolveMarketAccount(raw, entry('marketAccounts', i), userIds),
  );
  unique(
    marketAccounts,
    (a) => String(a.userId),
    (i) => entry('marketAccounts', i),
  );
  unique(
    marketAccounts,
    (a) => (a.integration === undefined ? undefined : String(a.integration.id)),
    (i) => `${entry('marketAccounts', i)}.integration.id`,
  );

  const oauthClients = list(root['oauthClients'], 'oauthClients').map((raw, i) =>
    resolveOAuthClient(raw, entry('oauthClients', i)),
  );
  unique(
    oauthClients,
    (c) => c.clientId,
    (i) => entry('oauthClients', i),
  );

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

/** A user entry; its `items` are checked once the items are resolved. */
function resolveUser(
  raw: unknown,
  at: string,
  productNames: ReadonlySet<string>,
): ResolvedConfig['users'][number] {
  const u = obj(raw, at);
  const login = text(u['login'], `${at}.login`, LOGIN_RE);
  const invited = opt(u['invited'], [] as readonly string[], (v) =>
    list(v, `${at}.invited`).map((name, j) => {
      const product = text(name, `${at}.invited[${j}]`);
      if (!productNames.has(product)) fail(`${at}.invited[${j}]`, 'is not a configured product');
      return product;
    }),
  );
  return {
    id: int(u['id'], `${at}.id`, 1),
    login,
    email: opt(u['email'], `${login.toLowerCase()}@example.test`, (v) => text(v, `${at}.email`)),
    avatarUrl: opt(u['avatarUrl'], '', (v) => (v === '' ? '' : url(v, `${at}.avatarUrl`))),
    regDate: opt(u['regDate'], '2020-01-01', (v) => text(v, `${at}.regDate`, DATE_RE)),
    balance: opt(u['balance'], 0, (v) => nle(v, `${at}.balance`)),
    invited,
    items: opt(u['items'], [] as readonly string[], (v) =>
      list(v, `${at}.items`).map((code, j) => text(code, `${at}.items[${j}]`)),
    ),
  };
}

function resolveItem(
  raw: unknown,
  at: string,
  userIds: ReadonlySet<number>,
): ResolvedConfig['items'][number] {
  const it = obj(raw, at);
  const code = text(it['code'], `${at}.code`, ITEM_RE);
  const sellerId = int(it['sellerId'], `${at}.sellerId`, 1);
  if (!userIds.has(sellerId)) fail(`${at}.sellerId`, 'is not a configured user id');
  return {
    code,
    name: opt(it['name'], code, (v) => text(v, `${at}.name`)),
    price: nle(it['price'], `${at}.price`),
    sellerId,
  };
}

function resolveMarketAccount(
  raw: unknown,
  at: string,
  userIds: ReadonlySet<number>,
): ResolvedConfig['marketAccounts'][number] {
  const a = obj(raw, at);
  const userId = int(a['userId'], `${at}.userId`, 1);
  if (!userIds.has(userId)) fail(`${at}.userId`, 'is not a configured user id');
  return {
    userId,
    apiKey: text(a['apiKey'], `${at}.apiKey`),
    reseller: opt(a['reseller'], false, (v) => bool(v, `${at}.reseller`)),
    webhooks: resolveWebhooks(a['webhooks'], `${at}.webhooks`),
    integration: opt(a['integration'], undefined, (v) =>
      resolveIntegration(v, `${at}.integration`),
    ),
  };
}

function resolveOAuthClient(raw: unknown, at: string): ResolvedConfig['oauthClients'][number] {
  const c = obj(raw, at);
  const clientId = text(c['clientId'], `${at}.clientId`);
  return {
    clientId,
    clientSecret: text(c['clientSecret'], `${at}.clientSecret`),
    name: opt(c['name'], clientId, (v) => text(v, `${at}.name`)),
    redirectUris: list(c['redirectUris'], `${at}.redirectUris`).map((u, j) =>
      redirectUri(u, `${at}.redirectUris[${j}]`),
    ),
    permissions: opt(c['permissions'], [] as readonly OAuthClientPermission[], (v) =>
      list(v, `${at}.permissions`).map((p, j) => {
        if (p !== 'no_pkce') fail(`${at}.permissions[${j}]`, 'must be "no_pkce"');
        return p;
      }),
    ),
  };
}

function resolveProduct(raw: unknown, at: string): Required<ProductSeed> {
  const p = obj(raw, at);
  const name = text(p['name'], `${at}.name`, PRODUCT_RE);
  if (name === 'marketplace')
    fail(`${at}.name`, 'must not be "marketplace" (reserved: the NLE top-up)');
  const plans = opt(p['plans'], DOCS_PLANS, (v) =>
    list(v, `${at}.plans`).map((rawPlan, j) => {
      const planAt = `${at}.plans[${j}]`;
      const plan = obj(rawPlan, planAt);
      return {
        cnt: int(plan['cnt'], `${planAt}.cnt`),
        days: int(plan['days'], `${planAt}.days`, 1),
        eur: nle(plan['eur'], `${planAt}.eur`),
        rub: nle(plan['rub'], `${planAt}.rub`),
      };
    }),
  );
  unique(
    plans,
    (plan) => String(plan.cnt),
    (j) => `${at}.plans[${j}]`,
  );
  unique(
    plans,
    (plan) => String(plan.days),
    (j) => `${at}.plans[${j}]`,
  );
  return {
    name,
    title: opt(p['title'], name, (v) => text(v, `${at}.title`)),
    public: opt(p['public'], true, (v) => bool(v, `${at}.public`)),
    plans,
  };
}

function resolveWebhooks(value: unknown, at: string): WebhookUrls {
  const hooks = opt(value, {} as Record<string, unknown>, (v) => obj(v, at));
  const webhooks: { purchase?: string; transfer?: string } = {};
  if (hooks['purchase'] !== undefined) webhooks.purchase = url(hooks['purchase'], `${at}.purchase`);
  if (hooks['transfer'] !== undefined) webhooks.transfer = url(hooks['transfer'], `${at}.transfer`);
  return webhooks;
}

function resolveIntegration(value: unknown, at: string): Required<IntegrationSeed> {
  const g = obj(value, at);
  const id = int(g['id'], `${at}.id`, 1);
  return {
    id,
    name: opt(g['name'], `Reseller ${id}`, (n) => text(n, `${at}.name`)),
    redirectUrl: url(g['redirectUrl'], `${at}.redirectUrl`),
    public: opt(g['public'], false, (p) => bool(p, `${at}.public`)),
  };
}

function resolveSettings(input: unknown): EmulatorSettings {
  const s = opt(input, {} as Record<string, unknown>, (v) => obj(v, 'settings'));
  const d = DEFAULT_SETTINGS;
  const r = opt(s['webhookRetry'], {} as Record<string, unknown>, (v) =>
    obj(v, 'settings.webhookRetry'),
  );
  const setting = <K extends Exclude<keyof EmulatorSettings, 'webhookRetry'>>(
    key: K,
    check: (value: unknown, path: string) => EmulatorSettings[K],
  ): EmulatorSettings[K] => opt(s[key], d[key], (v) => check(v, `settings.${key}`));
  const retry = (key: keyof EmulatorSettings['webhookRetry'], min: number): number =>
    opt(r[key], d.webhookRetry[key], (v) => int(v, `settings.webhookRetry.${key}`, min));
  const atLeast = (min: number) => (v: unknown, path: string) => int(v, path, min);

  const fee = setting('marketFeePercent', atLeast(0));
  if (fee > 100) fail('settings.marketFeePercent', 'must be <= 100');
  return {
    accessTokenTtlSeconds: setting('accessTokenTtlSeconds', atLeast(1)),
    codeTtlSeconds: setting('codeTtlSeconds', atLeast(1)),
    idTokenAlg: setting('idTokenAlg', (v, path) => {
      if (v !== 'RS256' && v !== 'ES256') fail(path, 'must be "RS256" or "ES256"');
      return v;
    }),
    legacyTokenEndpointIssuesIdToken: setting('legacyTokenEndpointIssuesIdToken', bool),
    marketFeePercent: fee,
    webhookSignatureCoversKind: setting('webhookSignatureCoversKind', bool),
    webhookIntegralAmountAsInteger: setting('webhookIntegralAmountAsInteger', bool),
    webhookRetry: {
      maxAttempts: retry('maxAttempts', 1),
      baseDelayMs: retry('baseDelayMs', 0),
      maxDelayMs: retry('maxDelayMs', 0),
      timeoutMs: retry('timeoutMs', 1),
    },
    maxBodyBytes: setting('maxBodyBytes', atLeast(64)),
    resellerPricesTtlSeconds: setting('resellerPricesTtlSeconds', atLeast(1)),
    callLogLimit: setting('callLogLimit', atLeast(1)),
  };
}

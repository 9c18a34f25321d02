import type { EmulatorSettings, WebhookRetrySettings } from './settings.js';

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

/**
 * A product (`csgo`, `cs2`): the `product` field of `gift-product` and friends. The name
 * `marketplace` is reserved: it is the NLE top-up of the checkout and of `set-reseller-prices`.
 */
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

/** Webhook URLs of a market account. Both may be the same URL: events carry `kind`. */
export interface WebhookUrls {
  readonly purchase?: string;
  readonly transfer?: string;
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
  readonly webhooks?: WebhookUrls;
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
  readonly webhooks: WebhookUrls;
  readonly integration: Required<IntegrationSeed> | undefined;
}

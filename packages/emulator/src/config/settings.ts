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

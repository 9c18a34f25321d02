import type { EmulatorConfig, PlanSeed, ProductSeed, WebhookUrls } from './seed.js';

/** The docs' `gift-product` / `get-prices` table. */
export const DOCS_PLANS: readonly PlanSeed[] = [
  { cnt: 0, days: 30, eur: 17.1, rub: 1368 },
  { cnt: 1, days: 90, eur: 44.1, rub: 3529 },
  { cnt: 2, days: 180, eur: 80.1, rub: 6410 },
  { cnt: 3, days: 365, eur: 134.1, rub: 10731 },
];

/** The docs' products: `csgo` (public) and `cs2` (invite only), with {@link DOCS_PLANS}. */
export function docsProducts(): ProductSeed[] {
  return [
    { name: 'csgo', title: 'CS:GO', public: true, plans: DOCS_PLANS },
    { name: 'cs2', title: 'CS2', public: false, plans: DOCS_PLANS },
  ];
}

/** Local origins apps are commonly served from: Express and Next (3000, 3001), Vite (5173), 8080. */
const LOCAL_ORIGINS = [3000, 3001, 5173, 8080].flatMap((port) => [
  `http://127.0.0.1:${port}`,
  `http://localhost:${port}`,
]);

/**
 * Callback paths of the packages' READMEs and examples: `/callback` (neverlose-oidc, the
 * web-standard example), `/auth/callback`, `/auth/neverlose/callback` (passport-neverlose, the
 * core's example, Hono), `/api/auth/callback/neverlose` (Auth.js's convention in Next.js,
 * better-auth) and `/auth/callback/neverlose` (Auth.js mounted on `/auth` by `@auth/express`).
 */
const CALLBACK_PATHS = [
  '/callback',
  '/auth/callback',
  '/auth/neverlose/callback',
  '/api/auth/callback/neverlose',
  '/auth/callback/neverlose',
];

/**
 * The redirect URIs of the demo seed's OAuth clients: every path of the packages' READMEs and
 * examples on `127.0.0.1` and `localhost`, ports 3000, 3001, 5173 and 8080 (40 URIs), so that the
 * first login of an app written from the docs needs no registration.
 */
export const DEMO_REDIRECT_URIS: readonly string[] = LOCAL_ORIGINS.flatMap((origin) =>
  CALLBACK_PATHS.map((path) => `${origin}${path}`),
);

/** Options of {@link defaultConfig}. */
export interface DefaultConfigOptions {
  /**
   * Redirect URIs of the seeded OAuth clients, instead of {@link DEMO_REDIRECT_URIS}.
   * @defaultValue {@link DEMO_REDIRECT_URIS}
   */
  readonly redirectUris?: readonly string[];
  /** Redirect URL of reseller integration 100. @defaultValue `http://127.0.0.1:3000/checkout` */
  readonly integrationRedirectUrl?: string;
  /**
   * Webhook URL of the reseller and of the item seller: one URL for both kinds, or one per kind.
   * @defaultValue none
   * @example `defaultConfig({ webhookUrl: 'http://127.0.0.1:3000/webhooks' })`
   */
  readonly webhookUrl?: string | WebhookUrls;
}

/**
 * A seed for demos and tests: users `alice`, `bob` and `charlie`; the reseller `reseller` (user id
 * 10, API key `emulator-reseller-key`, integration 100, public); the seller `shop` (user id 11, API key
 * `emulator-shop-key`) selling item `E3yugw` for 1 NLE; products `csgo` (public) and `cs2`
 * (invite only) with the docs' plans; the OAuth clients `emulator-client` / `emulator-secret` and
 * `emulator-legacy-client` / `emulator-legacy-secret` (permitted `no_pkce`), both accepting
 * {@link DEMO_REDIRECT_URIS}.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ config: defaultConfig({ redirectUris: ['http://127.0.0.1:5173/cb'] }) });
 * ```
 */
export function defaultConfig(options: DefaultConfigOptions = {}): EmulatorConfig {
  const redirectUris = options.redirectUris ?? DEMO_REDIRECT_URIS;
  const hook = options.webhookUrl;
  const webhooks: WebhookUrls =
    hook === undefined ? {} : typeof hook === 'string' ? { purchase: hook, transfer: hook } : hook;
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
    products: docsProducts(),
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
          // Public, as a reseller's live integration is: every user sees it at checkout. Were it
          // private (as a new one is), only its owner could buy, and a top-up bought by the
          // reseller for itself is a transfer to itself, which the market API refuses.
          public: true,
        },
      },
      { userId: 11, apiKey: 'emulator-shop-key', reseller: false, webhooks },
    ],
    oauthClients: [
      {
        clientId: 'emulator-client',
        clientSecret: 'emulator-secret',
        name: 'Emulator example app',
        redirectUris: [...redirectUris],
        permissions: [],
      },
      {
        clientId: 'emulator-legacy-client',
        clientSecret: 'emulator-legacy-secret',
        name: 'Emulator legacy app',
        redirectUris: [...redirectUris],
        permissions: ['no_pkce'],
      },
    ],
  };
}

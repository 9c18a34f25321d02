import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createNodeWebhookHandler,
  MARKET_API_BASE_URL,
  MarketClient,
  type PriceSync,
  type ResumeReport,
  startPriceSync,
} from 'neverlose-market';
import { adminTokenProblem } from './admin/access.js';
import { type AdminDeps, pushPrices, showAdmin, showWebhooks } from './admin/routes.js';
import { type Catalogue, DEFAULT_CATALOGUE, resellerPrices } from './catalogue.js';
import { type CheckoutDeps, pay, showCheckout, showOrder } from './checkout/routes.js';
import { createCsrfGuard } from './http/csrf.js';
import { requestUrl, sendHtml } from './http/respond.js';
import { logMarketDiagnostic, logWebhookDiagnostic } from './logging.js';
import { openPostgresStores } from './state/postgres-stores.js';
import { openLocalStores, openRedisStores, type ShopStores } from './state/stores.js';
import { homePage } from './views/admin.js';
import { rejectionPage } from './views/checkout.js';
import { toReceived } from './webhooks/log.js';

export { type Catalogue, DEFAULT_CATALOGUE } from './catalogue.js';

/** Options of {@link startExample}. Nothing is read from the environment. */
export interface ResellerShopOptions {
  /** Port to listen on; `0` picks a free one. @defaultValue `3002` */
  readonly port?: number;
  /** Interface to listen on. @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /**
   * The shop's origin as browsers and Neverlose see it: shown on `/admin` as the redirect and
   * webhook URLs to set in the market API settings. @defaultValue `http://<host>:<port>`
   */
  readonly publicUrl?: string;
  /** Your Neverlose user id (market API settings page). @example `10` */
  readonly userId: number;
  /** Your market API key: signs requests, verifies webhooks and `nl_purchase` tokens. */
  readonly apiKey: string;
  /** Your reseller integration id: tokens for another integration are refused. @example `100` */
  readonly integrationId: number;
  /**
   * The market API root. Plain `http:` is refused unless `allowInsecureHttp` is set (the client
   * accepts it only to a loopback host anyway).
   * @defaultValue `https://user-api.neverlose.cc/api/market`
   */
  readonly marketUrl?: string;
  /** Permit an `http:` market URL: for the local emulator only. @defaultValue `false` */
  readonly allowInsecureHttp?: boolean;
  /**
   * The SQLite file of the id journal, spent tokens and webhook dedup. Required unless
   * `databaseUrl` or `redisUrl` is given.
   * @example `'/var/lib/reseller-shop/market-journal.db'`
   */
  readonly journalPath?: string;
  /**
   * Keep the journal, spent tokens, webhook dedup and the webhook list in Redis, shared by every
   * instance of the shop. @defaultValue none: SQLite (journal, tokens, dedup), the list in memory
   */
  readonly redisUrl?: string;
  /**
   * Prefix of the shop's Redis keys, so several shops (or test runs) can share one Redis.
   * @defaultValue `'neverlose:'`
   */
  readonly redisPrefix?: string;
  /**
   * Keep the journal, the orders, spent tokens, webhook dedup and the webhook list in PostgreSQL,
   * durable and shared by every instance (the recommended store for money). Takes precedence
   * over `redisUrl`. @example `'postgres://shop@db.internal/shop'`
   */
  readonly databaseUrl?: string;
  /** Text before the shop's table names in PostgreSQL. @defaultValue `'neverlose_'` */
  readonly databaseTablePrefix?: string;
  /**
   * How long a webhook delivery holds its claim while it is handled, in seconds: a delivery cut
   * off by a crash frees its event after this long. @defaultValue `300`
   */
  readonly webhookLeaseSeconds?: number;
  /** Time between price pushes, in milliseconds (at least 1000). @defaultValue `3600000` */
  readonly priceSyncIntervalMs?: number;
  /** What the shop sells and for how much. @defaultValue {@link DEFAULT_CATALOGUE} */
  readonly catalogue?: Catalogue;
  /**
   * How often the market client retries a timeout, network error or 5xx (same request id).
   * @defaultValue `3`
   */
  readonly marketRetries?: number;
  /**
   * The password of the admin pages (`/admin`, `/admin/push-prices`, `/webhooks`), asked by the
   * browser with HTTP Basic (any user name). At least 16 visible ASCII characters, such as
   * `openssl rand -hex 16`. Required when `host` is not a loopback address.
   * @defaultValue on a loopback `host`, a random one made at start (see
   *   {@link RunningExample.adminToken})
   */
  readonly adminToken?: string;
}

/** A running shop. */
export interface RunningExample {
  /** Base URL, such as `http://127.0.0.1:3002` (no trailing slash). */
  readonly url: string;
  /** What `resumePending()` did at start-up. */
  readonly resumed: readonly ResumeReport[];
  /** The password of the admin pages: `adminToken`, or the one made at start. */
  readonly adminToken: string;
  /** Stops the price sync, closes the server and the stores. */
  close(): Promise<void>;
}

/** A host for a URL: brackets around IPv6, loopback for the any-address. */
function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function invalid(message: string): never {
  throw new TypeError(`reseller-shop: ${message}`);
}

function checkOptions(options: ResellerShopOptions): void {
  if (!Number.isSafeInteger(options.userId) || options.userId <= 0)
    invalid('"userId" must be a positive integer.');
  if (typeof options.apiKey !== 'string' || options.apiKey === '')
    invalid('"apiKey" must be a non-empty string.');
  if (!Number.isSafeInteger(options.integrationId) || options.integrationId <= 0)
    invalid('"integrationId" must be a positive integer.');
  if (options.databaseUrl === undefined && options.redisUrl === undefined && !options.journalPath)
    invalid('give "journalPath" (the SQLite id journal), "databaseUrl" or "redisUrl".');
  const interval = options.priceSyncIntervalMs;
  if (interval !== undefined && !(Number.isSafeInteger(interval) && interval >= 1000))
    invalid('"priceSyncIntervalMs" must be an integer of at least 1000.');
  const marketUrl = options.marketUrl ?? MARKET_API_BASE_URL;
  if (!URL.canParse(marketUrl)) invalid(`"marketUrl" ${JSON.stringify(marketUrl)} is not a URL.`);
  if (new URL(marketUrl).protocol === 'http:' && options.allowInsecureHttp !== true)
    invalid('"marketUrl" is plain http: set "allowInsecureHttp" (local emulator only).');
  const adminProblem = adminTokenProblem(options.adminToken, options.host ?? '127.0.0.1');
  if (adminProblem !== undefined) invalid(adminProblem);
  if (options.publicUrl !== undefined && !URL.canParse(options.publicUrl))
    invalid(`"publicUrl" ${JSON.stringify(options.publicUrl)} is not a URL.`);
}

/**
 * Starts the reseller shop: the checkout (`/checkout`), the outcome of paid orders
 * (`/orders/:id`), webhooks (`/webhooks/neverlose`, listed on `/webhooks`) and the price sync
 * (`/admin`). Pending deliveries a crash interrupted are finished before it listens.
 */
export async function startExample(options: ResellerShopOptions): Promise<RunningExample> {
  checkOptions(options);
  const catalogue = options.catalogue ?? DEFAULT_CATALOGUE;
  const prices = resellerPrices(catalogue);
  const stores: ShopStores =
    options.databaseUrl !== undefined
      ? await openPostgresStores(options.databaseUrl, { tablePrefix: options.databaseTablePrefix })
      : options.redisUrl === undefined
        ? await openLocalStores(options.journalPath ?? '')
        : await openRedisStores(options.redisUrl, options.redisPrefix ?? 'neverlose:');
  let sync: PriceSync | undefined;
  try {
    const client = new MarketClient({
      userId: options.userId,
      secret: options.apiKey,
      baseUrl: options.marketUrl ?? MARKET_API_BASE_URL,
      journal: stores.journal,
      idPrefix: 'shop-',
      onDiagnostic: logMarketDiagnostic,
      ...(options.marketRetries === undefined ? {} : { retries: options.marketRetries }),
    });
    const resumed = await client.resumePending();
    for (const report of resumed) {
      console.log(`reseller-shop: resumed ${report.key} (${report.method}): ${report.status}`);
    }

    const intervalMs = options.priceSyncIntervalMs ?? 60 * 60 * 1000;
    let lastError: string | undefined;
    const products = Object.keys(catalogue.products);
    sync = startPriceSync({
      client,
      products,
      integrationId: options.integrationId,
      prices,
      intervalMs,
      onPush: () => {
        lastError = undefined;
      },
      onError: (error) => {
        lastError = error instanceof Error ? error.message : String(error);
        console.error(`reseller-shop: price push failed: ${lastError}`);
      },
    });
    const priceSync = sync;

    const host = options.host ?? '127.0.0.1';
    let publicUrl = ''; // set once listening (the port may be picked by the system)
    const csrf = createCsrfGuard({
      secret: options.apiKey,
      secure: options.publicUrl?.startsWith('https:') === true,
      publicOrigin: () => new URL(publicUrl).origin,
    });
    const adminToken = options.adminToken ?? randomBytes(18).toString('base64url');
    const deps: CheckoutDeps = {
      client,
      stores,
      catalogue,
      apiKey: options.apiKey,
      integrationId: options.integrationId,
      csrf,
    };
    const admin: AdminDeps = {
      token: adminToken,
      csrf,
      priceSync,
      webhookLog: stores.webhookLog,
      view: () => ({
        status: priceSync.status(),
        lastError,
        intervalMs,
        checkoutUrl: `${publicUrl}/checkout`,
        webhookUrl: `${publicUrl}/webhooks/neverlose`,
        integrationId: options.integrationId,
        storage: stores.description,
      }),
    };
    const webhooks = createNodeWebhookHandler({
      secret: options.apiKey,
      dedupStore: stores.dedup,
      ...(options.webhookLeaseSeconds === undefined
        ? {}
        : { dedupLeaseSeconds: options.webhookLeaseSeconds }),
      onEvent: (event) => stores.webhookLog.add(toReceived(event, Date.now())),
      onDiagnostic: logWebhookDiagnostic,
    });

    const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const url = requestUrl(req.url);
      if (url === undefined) {
        req.resume();
        return sendHtml(
          res,
          400,
          rejectionPage('Bad request', 'ERR_SHOP_BAD_REQUEST', 'The request target is not a path.'),
          { connection: 'close' },
        );
      }
      const method = req.method ?? 'GET';
      const path = url.pathname;
      // Authenticated by its signature, not by the browser: no admin token, no CSRF token.
      if (path === '/webhooks/neverlose') return webhooks(req, res);
      if (method === 'GET' && path === '/checkout') return showCheckout(deps, req, url, res);
      if (method === 'POST' && path === '/checkout/pay') return pay(deps, req, res);
      const orderMatch = /^\/orders\/([^/]+)$/.exec(path);
      if (method === 'GET' && orderMatch) return showOrder(deps, orderMatch[1] ?? '', url, res);
      if (method === 'GET' && path === '/') {
        return sendHtml(res, 200, homePage(catalogue, priceSync.status()));
      }
      if (method === 'GET' && path === '/webhooks') return showWebhooks(admin, req, res);
      if (method === 'GET' && path === '/admin') return showAdmin(admin, req, res);
      if (method === 'POST' && path === '/admin/push-prices') return pushPrices(admin, req, res);
      req.resume();
      sendHtml(res, 404, rejectionPage('Not found', 'ERR_SHOP_NOT_FOUND', `No page at ${path}.`));
    };

    const server = createServer((req, res) => {
      route(req, res).catch((error: unknown) => {
        // The client went away mid-body: nobody is left to answer, and nothing went wrong here.
        if (req.destroyed && !req.complete) {
          res.destroy();
          return;
        }
        console.error('reseller-shop: request failed:', error);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        sendHtml(
          res,
          500,
          rejectionPage(
            'Something went wrong',
            'ERR_SHOP_INTERNAL',
            'The shop could not handle this request. An order is never delivered twice: try again in a minute.',
          ),
        );
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 3002, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const url = `http://${formatHost(host)}:${(server.address() as AddressInfo).port}`;
    publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');

    let closing: Promise<void> | undefined;
    return {
      url,
      resumed,
      adminToken,
      close: () => {
        closing ??= (async () => {
          priceSync.stop();
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          await stores.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    sync?.stop();
    await stores.close();
    throw error;
  }
}

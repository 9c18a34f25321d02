import type { AddressInfo } from 'node:net';
import { adminTokenProblem } from './admin/access.js';
import {
  type CheckoutOrder,
  type CheckoutRedirect,
  createCheckoutRedirect,
} from './checkout/token.js';
import { defaultConfig } from './config/demo-seed.js';
import { resolveConfig } from './config/resolve.js';
import type { EmulatorConfig } from './config/seed.js';
import type { EmulatorContext } from './emulator-context.js';
import { EmulatorError } from './errors.js';
import { FaultInjector, type FaultRule, type FaultSpec } from './faults/faults.js';
import type { CallLogEntry } from './http/request-context.js';
import { type SigningKey, SigningKeys } from './idp/keys.js';
import { IdpSessions } from './idp/sessions.js';
import { createRequestListener, listen } from './server.js';
import { type WebhookDelivery, type WebhookLog, WebhookQueue } from './webhooks/queue.js';
import { toCents } from './world/money.js';
import { EMULATOR_ORIGIN, purchase, transfer } from './world/operations.js';
import { Persister, readSnapshot } from './world/persistence.js';
import type { LedgerEntry } from './world/records.js';
import { World } from './world/world.js';

/** Options of {@link startEmulator}. */
export interface StartEmulatorOptions {
  /** Port to listen on; `0` picks a free one. @defaultValue `0` */
  readonly port?: number;
  /** Interface to listen on. @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /** The seed. @defaultValue {@link defaultConfig}() */
  readonly config?: EmulatorConfig;
  /**
   * Persist the world (users, balances, items, accounts, clients, the idempotency ledger) to this
   * JSON file: loaded at start when it exists, written after each change and at stop. OAuth codes,
   * tokens, logs and the signing key are not persisted.
   */
  readonly persistFile?: string;
  /**
   * The URL the emulator advertises (discovery, links), when it is reached through a proxy or a
   * different host name. @defaultValue `http://<host>:<port>`
   */
  readonly publicUrl?: string;
  /** The clock, for tests of expiry (codes, tokens, reseller prices). @defaultValue `Date.now` */
  readonly now?: () => number;
  /** Seed of the PRNG behind probability-based faults. @defaultValue `1` */
  readonly faultSeed?: number;
  /**
   * Require this token on the dashboard (`/admin`), the admin API (`/admin/api/*`) and the market
   * pages (`/market`), as `Authorization: Bearer <adminToken>` or as the password of HTTP Basic
   * (what a browser asks for). At least 16 visible ASCII characters. Required when `host` is not
   * a loopback address: those pages show API keys and client secrets and move NLE.
   *
   * Whatever the token, those pages answer only to a loopback `Host` or the `publicUrl`'s host
   * (DNS rebinding), only to requests from their own origin (other sites in the browser), and
   * admin API writes need `Content-Type: application/json`.
   *
   * @defaultValue none: open to this machine only
   * @example `adminToken: process.env.EMULATOR_ADMIN_TOKEN` (such as `openssl rand -hex 16`)
   */
  readonly adminToken?: string;
  /**
   * The id_token signing key, from {@link generateSigningKey}; its `alg` must be the config's
   * `settings.idTokenAlg`. Tests that start many emulators share one: generating an RSA key takes
   * about 150 ms.
   *
   * @defaultValue a new key for this emulator, generated the first time one is needed (an
   *   id_token or the JWKS), so that an emulator serving only the market API never makes one
   * @example
   * ```ts
   * const signingKey = await generateSigningKey();
   * const emulator = await startEmulator({ signingKey });
   * ```
   */
  readonly signingKey?: SigningKey;
}

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL, such as `http://127.0.0.1:4010` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** The `iss` of discovery and id_tokens. */
  readonly issuer: string;
  /** The world: users, balances, items, accounts, the ledger. Mutations are visible at once. */
  readonly world: World;
  /** Webhook deliveries, and the events of their attempts. */
  readonly webhooks: WebhookLog;
  /** The API call log (market, identity provider, checkout; not the admin API). */
  readonly calls: readonly CallLogEntry[];
  /**
   * Installs a fault (see the README).
   *
   * @throws {EmulatorError} `ERR_INVALID_ARGUMENT` for a spec that breaks a rule.
   */
  addFault(spec: FaultSpec): FaultRule;
  /** The faults installed, retired ones included (`remaining: 0`), each with the times it fired. */
  faults(): readonly FaultRule[];
  /** Removes every fault. */
  clearFaults(): void;
  /** Applied money operations. */
  ledger(): readonly LedgerEntry[];
  /** A user buys an item (sends the seller's purchase webhook). */
  purchase(buyer: string, itemCode: string): void;
  /** Moves NLE between users (sends the recipient's transfer webhook). */
  transfer(from: string, to: string, amount: number): void;
  /** The `nl_purchase` redirect the checkout page would make. */
  checkout(order: CheckoutOrder): Promise<CheckoutRedirect>;
  /** Resolves when no webhook delivery is pending. */
  webhooksIdle(): Promise<readonly WebhookDelivery[]>;
  /**
   * Sends a past webhook delivery again, byte for byte (same body, signature and `unique_id`): a
   * test of an idempotent handler. It goes to `url`, else the account's current webhook URL for
   * that kind, else where the original went.
   *
   * @throws {EmulatorError} `ERR_NOT_FOUND` when the delivery log has no such id.
   */
  replayWebhook(id: number, url?: string): WebhookDelivery;
  /**
   * Signs id_tokens with `key` (or a new key) from now on. The JWKS publishes it and the key it
   * replaced, so that id_tokens already issued still verify.
   */
  rotateSigningKey(key?: SigningKey): Promise<SigningKey>;
  /** Back to the seed (or a new one): world, sessions, logs and faults. */
  reset(config?: EmulatorConfig): void;
  /** Closes the server (open connections included), cancels retries, flushes persistence. */
  stop(): Promise<void>;
}

function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts a local Neverlose: identity provider, market API, webhooks, checkout and admin.
 *
 * @throws {EmulatorError} `ERR_INVALID_OPTION` for a bad config or options (a `host` beyond
 *   loopback without `adminToken`), `ERR_PERSISTENCE` for a bad world file; listen errors (port in
 *   use) are passed through.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator();
 * console.log(emulator.url); // http://127.0.0.1:53127
 * await emulator.stop();
 * ```
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const accessProblem = adminTokenProblem(host, options.adminToken);
  if (accessProblem !== undefined)
    throw new EmulatorError('ERR_INVALID_OPTION', `Invalid emulator options: ${accessProblem}`);
  const config = resolveConfig(options.config ?? defaultConfig());
  const world = new World(config, options.now ?? Date.now);
  const snapshot =
    options.persistFile === undefined ? undefined : readSnapshot(options.persistFile);
  if (snapshot !== undefined) world.load(snapshot);
  const persister =
    options.persistFile === undefined ? undefined : new Persister(world, options.persistFile);

  const keys = new SigningKeys(config.settings.idTokenAlg, options.signingKey);
  const sessions = new IdpSessions(world.now);
  const faults = new FaultInjector(options.faultSeed ?? 1);
  const webhooks = new WebhookQueue(world);
  const calls: CallLogEntry[] = [];
  let baseUrl = '';
  const app: EmulatorContext = {
    world,
    sessions,
    keys,
    faults,
    webhooks,
    calls,
    baseUrl: () => baseUrl,
    issuer: () => world.config.issuer ?? baseUrl,
  };
  const reset = (next?: unknown) => {
    if (next === undefined) world.reset();
    else world.reset(resolveConfig(next));
    sessions.clear();
    faults.clear();
    calls.length = 0;
    webhooks.clearLog();
  };

  const server = await listen(
    createRequestListener(app, { reset, adminToken: options.adminToken }),
    options.port ?? 0,
    host,
  );
  const port = (server.address() as AddressInfo).port;
  baseUrl = (options.publicUrl ?? `http://${formatHost(host)}:${port}`).replace(/\/+$/, '');

  let stopped: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    get issuer() {
      return app.issuer();
    },
    world,
    webhooks,
    calls,
    addFault: (spec) => faults.add(spec),
    faults: () => faults.list(),
    clearFaults: () => faults.clear(),
    ledger: () => world.ledger,
    purchase: (buyer, itemCode) => purchase(world, buyer, itemCode),
    transfer: (from, to, amount) => {
      const cents = toCents(amount);
      if (cents === undefined)
        throw new EmulatorError('ERR_INVALID_ARGUMENT', 'amount must have at most 2 decimals.');
      transfer(world, world.requireUser(from).id, to, cents, EMULATOR_ORIGIN, 'transfer');
    },
    checkout: (order) => createCheckoutRedirect(world, order),
    webhooksIdle: async () => {
      await webhooks.idle();
      return webhooks.deliveries;
    },
    replayWebhook: (id, url) => webhooks.replay(id, url),
    rotateSigningKey: (key) => keys.rotate(key),
    reset: (next) => reset(next),
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        webhooks.close();
        server.close(() => resolve());
        server.closeAllConnections();
        persister?.close();
      });
      return stopped;
    },
  };
}

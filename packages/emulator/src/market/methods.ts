import { JsonNumber, type JsonObject, type JsonValue } from '../json/parse.js';
import { OperationRefused } from '../world/errors.js';
import { fromCents, toCents } from '../world/money.js';
import { giftProduct, giveForFree, transfer } from '../world/operations.js';
import type { MarketAccountRecord, Origin } from '../world/records.js';
import type { World } from '../world/world.js';
import { MARKET_ERRORS } from './errors.js';
import { PricesFormatError, validatePrices } from './prices.js';

/** What a method handler gets: the verified request and the caller's account. */
export interface MarketCall {
  readonly body: JsonObject;
  readonly account: MarketAccountRecord;
  readonly world: World;
  readonly origin: Origin;
}

/** How a method is guarded and what it does. */
export interface MarketMethod {
  /** Only official resellers may call it. */
  readonly resellerOnly: boolean;
  /** It needs the caller's reseller integration. */
  readonly integration: boolean;
  /**
   * `required`: an action that moves money or items, made idempotent by the request `id`.
   * `optional`: a setting that is idempotent by nature; an `id`, if sent, must be well-formed.
   * `none`: read-only; an `id` is ignored.
   */
  readonly id: 'required' | 'optional' | 'none';
  /** Returns the reply's extra fields; throws {@link OperationRefused} for a refusal. */
  readonly run: (call: MarketCall) => Record<string, unknown>;
}

function refuse(message: string): never {
  throw new OperationRefused(message);
}

function username(body: JsonObject): string {
  const value = body['username'];
  if (typeof value !== 'string' || value.length === 0) refuse(MARKET_ERRORS.invalidUsername);
  return value;
}

function productName(body: JsonObject, world: World): string {
  const value = body['product'];
  if (typeof value !== 'string' || !world.products.has(value)) refuse(MARKET_ERRORS.invalidProduct);
  return value;
}

function intField(value: JsonValue | undefined): number | undefined {
  if (!(value instanceof JsonNumber) || !value.isInt) return undefined;
  const n = value.value;
  return Number.isSafeInteger(n) ? n : undefined;
}

function integrationOf(call: MarketCall) {
  const integration = call.account.integration;
  if (integration === undefined) return refuse(MARKET_ERRORS.integrationRequired);
  if (intField(call.body['integration_id']) !== integration.id)
    refuse(MARKET_ERRORS.invalidIntegrationId);
  return integration;
}

/** The documented methods, by URL name. */
export const MARKET_METHODS: Readonly<Record<string, MarketMethod>> = {
  'give-for-free': {
    resellerOnly: false,
    integration: false,
    id: 'required',
    run: ({ body, account, world, origin }) => {
      const code = body['code'];
      if (typeof code !== 'string') refuse(MARKET_ERRORS.invalidItem);
      giveForFree(world, account.userId, username(body), code, origin);
      return {};
    },
  },
  'transfer-money': {
    resellerOnly: true,
    integration: false,
    id: 'required',
    run: ({ body, account, world, origin }) => {
      const amount = body['amount'];
      const cents = amount instanceof JsonNumber ? toCents(amount.value) : undefined;
      if (cents === undefined || cents <= 0) refuse(MARKET_ERRORS.invalidAmount);
      transfer(world, account.userId, username(body), cents, origin);
      return {};
    },
  },
  'gift-product': {
    resellerOnly: true,
    integration: false,
    id: 'required',
    run: ({ body, account, world, origin }) => {
      const product = productName(body, world);
      const cnt = intField(body['cnt']);
      if (cnt === undefined) refuse(MARKET_ERRORS.invalidCnt);
      giftProduct(world, account.userId, username(body), product, cnt, origin);
      return {};
    },
  },
  'get-prices': {
    resellerOnly: true,
    integration: false,
    id: 'none',
    run: ({ body, world }) => {
      const product = world.products.get(productName(body, world));
      const prices: Record<string, unknown> = {};
      for (const plan of product?.plans ?? []) {
        prices[String(plan.days)] = { cnt: plan.cnt, eur: plan.eur, rub: plan.rub };
      }
      return { prices };
    },
  },
  'is-user-invited': {
    resellerOnly: true,
    integration: false,
    id: 'none',
    run: ({ body, world }) => {
      const product = world.products.get(productName(body, world));
      const user = world.userByLogin(username(body));
      if (product === undefined || user === undefined) return refuse(MARKET_ERRORS.userNotFound);
      return {
        cheat_public: product.public,
        user_invited: product.public || user.invited.includes(product.name),
      };
    },
  },
  'is-user-exists': {
    resellerOnly: true,
    integration: false,
    id: 'none',
    run: ({ body, world }) => ({ user_exists: world.userByLogin(username(body)) !== undefined }),
  },
  'get-balance': {
    resellerOnly: false,
    integration: false,
    id: 'none',
    run: ({ account, world }) => ({
      balance: fromCents(world.users.get(account.userId)?.balanceCents ?? 0),
    }),
  },
  'integration-visibility': {
    resellerOnly: false,
    integration: true,
    id: 'optional',
    run: (call) => {
      const integration = integrationOf(call);
      const isPublic = call.body['is_public'];
      if (typeof isPublic !== 'boolean') refuse(MARKET_ERRORS.invalidIsPublic);
      integration.public = isPublic;
      call.world.changed();
      return {};
    },
  },
  'set-reseller-prices': {
    resellerOnly: false,
    integration: true,
    id: 'optional',
    run: (call) => {
      const integration = integrationOf(call);
      const text = call.body['prices'];
      if (typeof text !== 'string')
        refuse(`${MARKET_ERRORS.invalidPrices}: prices must be a JSON string`);
      let prices: ReturnType<typeof validatePrices>;
      try {
        prices = validatePrices(text, call.world.products);
      } catch (error) {
        if (error instanceof PricesFormatError)
          refuse(`${MARKET_ERRORS.invalidPrices}: ${error.message}`);
        throw error;
      }
      const setAt = call.world.now();
      integration.prices = {
        prices,
        setAt,
        expiresAt: setAt + call.world.config.settings.resellerPricesTtlSeconds * 1000,
      };
      call.world.changed();
      return {};
    },
  },
};

import { createHash } from 'node:crypto';
import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import { daysOfCnt, type PlanCnt, type PlanDays } from '../client/plans.js';
import { ResellerTokenError } from './errors.js';
import type { SingleUseTokenStore } from './single-use-store.js';

/** The issuer of reseller checkout tokens. */
export const RESELLER_TOKEN_ISSUER = 'NLRI';

/** Options of {@link verifyResellerToken}. */
export interface VerifyResellerTokenOptions {
  /**
   * Your reseller integration id: a token for another integration is rejected
   * (`ERR_RESELLER_TOKEN_WRONG_INTEGRATION`). Recommended when one API key serves several.
   *
   * @defaultValue none: any integration of this API key
   * @example `{ integrationId: 100 }`
   */
  readonly integrationId?: number;
  /**
   * Clock skew allowed on `exp` and `iat`, in seconds.
   *
   * @defaultValue `30`
   */
  readonly clockToleranceSeconds?: number;
  /**
   * Rejects a token already seen (`ERR_RESELLER_TOKEN_REPLAYED`). Pass it where you fulfil the
   * order, not where you only display it: the first verification with the store consumes the token.
   *
   * @defaultValue none
   * @example `{ singleUseStore: new MemorySingleUseStore() }`
   */
  readonly singleUseStore?: SingleUseTokenStore;
  /**
   * The time to check against, for tests.
   *
   * @defaultValue now
   */
  readonly currentDate?: Date;
}

interface OrderBase {
  /** Your reseller integration id. */
  readonly integrationId: number;
  /** Login of the user who receives the order. */
  readonly login: string;
  /** Email of the receiving user. */
  readonly email: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /**
   * SHA-256 of the token, hex: a stable business key for fulfilment, e.g.
   * `client.giftProduct({ key: order.tokenId, ... })` applies it once even across crashes.
   */
  readonly tokenId: string;
  /** Every claim, including ones this version does not know. */
  readonly claims: JWTPayload;
}

/** A subscription order: gift it with `gift-product` once paid. */
export interface ProductOrder extends OrderBase {
  readonly type: 'product';
  readonly product: string;
  readonly cnt: PlanCnt;
  /** Always the days of `cnt` (checked). */
  readonly days: PlanDays;
}

/** A market top-up: transfer `nle` with `transfer-money` once paid. */
export interface MarketTopUpOrder extends OrderBase {
  readonly type: 'market';
  readonly product: 'marketplace';
  /** The NLE amount as the exact decimal string of the token (`"13.37"`). */
  readonly nle: string;
}

/** A verified reseller checkout order: switch on `type`. */
export type ResellerOrder = ProductOrder | MarketTopUpOrder;

const DECIMAL_RE = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * Verifies the `nl_purchase` token of a reseller checkout redirect and returns the order.
 *
 * Only HS256 signed with your API key is accepted (`none`, HS512, RS256 and a public key used as
 * an HMAC secret all fail), `iss` must be `NLRI`, `iat` and `exp` are required, and the payload must
 * be exactly a documented product order or market top-up.
 *
 * @param token The `nl_purchase` query parameter.
 * @param apiKey Your Neverlose market API key.
 * @throws {ResellerTokenError} with a code from {@link ResellerTokenErrorCode}.
 *
 * @example
 * ```ts
 * const order = await verifyResellerToken(url.searchParams.get('nl_purchase') ?? '', apiKey, { integrationId: 100 });
 * if (order.type === 'product') showCheckout(order.product, order.days, order.login);
 * ```
 */
export async function verifyResellerToken(
  token: string,
  apiKey: string,
  options: VerifyResellerTokenOptions = {},
): Promise<ResellerOrder> {
  if (typeof apiKey !== 'string' || apiKey.length === 0) {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_INVALID_OPTIONS',
      'The API key must be a non-empty string.',
    );
  }
  const tolerance = options.clockToleranceSeconds ?? 30;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_INVALID_OPTIONS',
      '"clockToleranceSeconds" must be >= 0.',
    );
  }
  if (typeof token !== 'string' || token.split('.').length !== 3) {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_MALFORMED',
      'The token is not a compact JWS (three dot-separated parts).',
    );
  }
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch (cause) {
    throw new ResellerTokenError('ERR_RESELLER_TOKEN_MALFORMED', 'The token header is not valid.', {
      cause,
    });
  }
  if (alg !== 'HS256') {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_WRONG_ALGORITHM',
      `The token uses ${JSON.stringify(alg)}; only HS256 is accepted.`,
    );
  }
  const now = options.currentDate ?? new Date();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(apiKey), {
      algorithms: ['HS256'],
      issuer: RESELLER_TOKEN_ISSUER,
      requiredClaims: ['iat', 'exp'],
      clockTolerance: tolerance,
      currentDate: now,
    }));
  } catch (cause) {
    throw mapJoseError(cause);
  }
  const order = toOrder(payload, createHash('sha256').update(token).digest('hex'));
  if ((payload.iat as number) > now.getTime() / 1000 + tolerance) {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_MALFORMED',
      'The token is issued in the future ("iat").',
    );
  }
  if (options.integrationId !== undefined && order.integrationId !== options.integrationId) {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_WRONG_INTEGRATION',
      `The token is for integration ${order.integrationId}, not ${options.integrationId}.`,
    );
  }
  if (
    options.singleUseStore &&
    !(await options.singleUseStore.consume(order.tokenId, payload.exp as number))
  ) {
    throw new ResellerTokenError('ERR_RESELLER_TOKEN_REPLAYED', 'This token was already used.');
  }
  return order;
}

function mapJoseError(cause: unknown): ResellerTokenError {
  if (cause instanceof errors.JWTExpired) {
    return new ResellerTokenError('ERR_RESELLER_TOKEN_EXPIRED', 'The token has expired.', {
      cause,
    });
  }
  if (cause instanceof errors.JWSSignatureVerificationFailed) {
    return new ResellerTokenError(
      'ERR_RESELLER_TOKEN_BAD_SIGNATURE',
      'The token signature does not match the API key.',
      { cause },
    );
  }
  if (cause instanceof errors.JOSEAlgNotAllowed) {
    return new ResellerTokenError('ERR_RESELLER_TOKEN_WRONG_ALGORITHM', 'Only HS256 is accepted.', {
      cause,
    });
  }
  if (
    cause instanceof errors.JWTClaimValidationFailed &&
    cause.claim === 'iss' &&
    cause.reason === 'check_failed'
  ) {
    return new ResellerTokenError(
      'ERR_RESELLER_TOKEN_WRONG_ISSUER',
      `The token issuer is not ${RESELLER_TOKEN_ISSUER}.`,
      { cause },
    );
  }
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ResellerTokenError(
    'ERR_RESELLER_TOKEN_MALFORMED',
    `The token is malformed: ${detail}`,
    { cause },
  );
}

function toOrder(claims: JWTPayload, tokenId: string): ResellerOrder {
  const malformed = (message: string): never => {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_MALFORMED',
      `The token payload is invalid: ${message}.`,
    );
  };
  const integrationId = claims['integration_id'];
  if (
    typeof integrationId !== 'number' ||
    !Number.isSafeInteger(integrationId) ||
    integrationId <= 0
  ) {
    malformed('"integration_id" must be a positive integer');
  }
  const login = claims['login'];
  if (typeof login !== 'string' || login === '') malformed('"login" must be a non-empty string');
  const email = claims['email'];
  if (typeof email !== 'string') malformed('"email" must be a string');
  const base = {
    integrationId: integrationId as number,
    login: login as string,
    email: email as string,
    issuedAt: new Date((claims.iat as number) * 1000),
    expiresAt: new Date((claims.exp as number) * 1000),
    tokenId,
    claims,
  };
  const market = claims['market'];
  if (market === true) {
    if (claims['product'] !== 'marketplace')
      malformed('a market top-up has "product" "marketplace"');
    if (claims['cnt'] !== null) malformed('a market top-up has "cnt" null');
    const nle = claims['nle'];
    if (typeof nle !== 'string' || !DECIMAL_RE.test(nle) || Number(nle) <= 0) {
      malformed('"nle" must be a positive decimal string such as "13.37"');
    }
    return { type: 'market', ...base, product: 'marketplace', nle: nle as string };
  }
  if (market !== false) malformed('"market" must be true or false');
  const product = claims['product'];
  if (typeof product !== 'string' || product === '' || product === 'marketplace') {
    malformed('a product order names its "product"');
  }
  const cnt = claims['cnt'];
  const days = daysOfCnt(cnt);
  if (days === undefined) malformed('"cnt" must be 0, 1, 2 or 3');
  if (claims['days'] !== days)
    malformed(
      `"days" ${JSON.stringify(claims['days'])} does not agree with "cnt" ${cnt} (${days} days)`,
    );
  return {
    type: 'product',
    ...base,
    product: product as string,
    cnt: cnt as PlanCnt,
    days: days as PlanDays,
  };
}

import { unknownOptionKey } from '@neverlose-toolkit/internal/option-keys';
import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import { daysOfCnt, type PlanCnt, type PlanDays } from '../client/plans.js';
import { fromCanonicalBase64url, sha256Hex, toBase64url } from '../lib/crypto.js';
import { ResellerTokenError } from './errors.js';

/** The issuer of reseller checkout tokens. */
export const RESELLER_TOKEN_ISSUER = 'NLRI';

/** Options of {@link verifyResellerToken}. */
export interface VerifyResellerTokenOptions {
  /**
   * Your reseller integration id (API settings page): a token for another integration is rejected
   * (`ERR_RESELLER_TOKEN_WRONG_INTEGRATION`). Required: without it a token issued for any
   * integration of the same API key would be fulfilled here.
   *
   * @example `{ integrationId: 100 }`
   */
  readonly integrationId: number;
  /**
   * Clock skew allowed on `exp` and `iat`, in seconds.
   *
   * @defaultValue `30`
   */
  readonly clockToleranceSeconds?: number;
  /**
   * The longest lifetime (`exp - iat`) accepted, in seconds; a longer-lived token is rejected
   * (`ERR_RESELLER_TOKEN_LIFETIME_TOO_LONG`). It bounds how long a leaked checkout link stays
   * usable, and how long `acceptResellerOrder`'s store must remember a token.
   *
   * @defaultValue `3600`: the docs give `exp` as "currently iat + 1 hour"
   * @example `{ maxLifetimeSeconds: 2 * 3600 }` (if Neverlose lengthens its tokens)
   */
  readonly maxLifetimeSeconds?: number;
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
   * The token's canonical id: SHA-256, hex, of its header and payload segments and its decoded
   * signature bytes (the token in canonical spelling). A stable business key for fulfilment, e.g.
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
/** Base64 of either alphabet, padded or not: decodable, but only one spelling is canonical. */
const BASE64_ANY_RE = /^[A-Za-z0-9_\-+/]*={0,2}$/;
/** The docs: `exp` is "currently iat + 1 hour". */
const DEFAULT_MAX_LIFETIME_SECONDS = 3600;

/**
 * Verifies the `nl_purchase` token of a reseller checkout redirect and returns the order, to show
 * it before payment. It records nothing: fulfil a checkout with `acceptResellerOrder`, which
 * records the order by its token before delivery and lets a retry of the same token resume it
 * (a check that refused a second use would refuse the retry of a paid order whose delivery failed).
 *
 * Only HS256 signed with your API key is accepted (`none`, HS512, RS256 and a public key used as
 * an HMAC secret all fail), `iss` must be `NLRI`, `integration_id` your integration, `iat` and `exp`
 * are required and at most `maxLifetimeSeconds` apart, every segment must be canonical base64url
 * (one spelling per token), and the payload must be exactly a documented product order or market
 * top-up.
 *
 * @param token The `nl_purchase` query parameter.
 * @param apiKey Your Neverlose market API key.
 * @param options `integrationId` is required.
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
  options: VerifyResellerTokenOptions,
): Promise<ResellerOrder> {
  return (await verifyOrder(token, apiKey, options, VERIFY_OPTIONS, 'verifyResellerToken')).order;
}

/** Every option of {@link verifyResellerToken} (a key missing here does not compile). */
const VERIFY_OPTIONS = Object.keys({
  integrationId: true,
  clockToleranceSeconds: true,
  maxLifetimeSeconds: true,
  currentDate: true,
} satisfies Record<keyof VerifyResellerTokenOptions, true>);

/** @internal A verified order, and the last instant (seconds) a verifier accepts its token. */
export interface VerifiedOrder {
  readonly order: ResellerOrder;
  /** `exp` + the clock tolerance: how long a store must remember the token. */
  readonly rememberUntil: number;
}

/**
 * @internal Verifies `token` as {@link verifyResellerToken} documents, once `options` holds only
 * `known` keys (an unknown one is refused, "did you mean" a close one, naming `owner`).
 */
export async function verifyOrder(
  token: string,
  apiKey: string,
  options: VerifyResellerTokenOptions,
  known: readonly string[],
  owner: string,
): Promise<VerifiedOrder> {
  const invalidOption = (message: string): never => {
    throw new ResellerTokenError('ERR_INVALID_OPTION', message);
  };
  const unknown = unknownOptionKey(options ?? {}, known, owner);
  if (unknown) invalidOption(`Invalid option "${unknown.key}": ${unknown.rule}.`);
  if (typeof apiKey !== 'string' || apiKey.length === 0)
    invalidOption('The API key must be a non-empty string.');
  const expectedIntegration = (options as Partial<VerifyResellerTokenOptions> | undefined)
    ?.integrationId;
  if (expectedIntegration === undefined) {
    invalidOption(
      '"integrationId" is required: pass your reseller integration id (API settings page), so that a token for another integration is refused.',
    );
  }
  if (
    typeof expectedIntegration !== 'number' ||
    !Number.isSafeInteger(expectedIntegration) ||
    expectedIntegration <= 0
  ) {
    invalidOption('"integrationId" must be a positive integer.');
  }
  const tolerance = options.clockToleranceSeconds ?? 30;
  if (!Number.isFinite(tolerance) || tolerance < 0)
    invalidOption('"clockToleranceSeconds" must be >= 0.');
  const maxLifetime = options.maxLifetimeSeconds ?? DEFAULT_MAX_LIFETIME_SECONDS;
  if (!Number.isFinite(maxLifetime) || maxLifetime <= 0)
    invalidOption('"maxLifetimeSeconds" must be > 0.');

  const segments = typeof token === 'string' ? token.split('.') : [];
  if (segments.length !== 3) {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_MALFORMED',
      'The token is not a compact JWS (three dot-separated parts).',
    );
  }
  const [header, body, signature] = segments as [string, string, string];
  const signatureBytes = canonicalBase64url(signature, 'signature');
  canonicalBase64url(header, 'header');
  canonicalBase64url(body, 'payload');

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
  // The signature pins the header and payload text; its own bytes are taken decoded.
  const tokenId = sha256Hex(`${header}.${body}.${toBase64url(signatureBytes)}`);
  const order = toOrder(payload, tokenId);
  const iat = payload.iat as number;
  const exp = payload.exp as number;
  if (iat > now.getTime() / 1000 + tolerance) {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_MALFORMED',
      'The token is issued in the future ("iat").',
    );
  }
  if (exp <= iat) {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_MALFORMED',
      'The token expires before it is issued ("exp" <= "iat").',
    );
  }
  if (exp - iat > maxLifetime) {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_LIFETIME_TOO_LONG',
      `The token lives ${exp - iat} s ("exp" - "iat"), longer than the ${maxLifetime} s allowed ("maxLifetimeSeconds").`,
    );
  }
  if (order.integrationId !== expectedIntegration) {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_WRONG_INTEGRATION',
      `The token is for integration ${order.integrationId}, not ${expectedIntegration}.`,
    );
  }
  // Remembered until the last instant this function accepts the token, not merely `exp`.
  return { order, rememberUntil: exp + tolerance };
}

/**
 * The bytes of a base64url segment written the one way a JWT library writes them: the URL-safe
 * alphabet, no padding, no spare bits set in the last character.
 */
function canonicalBase64url(segment: string, part: string): Uint8Array {
  if (!BASE64_ANY_RE.test(segment) || segment.replace(/=+$/, '').length % 4 === 1) {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_MALFORMED',
      `The token ${part} is not base64url.`,
    );
  }
  const bytes = fromCanonicalBase64url(segment);
  if (bytes === undefined) {
    throw new ResellerTokenError(
      'ERR_RESELLER_TOKEN_NON_CANONICAL',
      `The token ${part} is not canonical base64url (padding, a character outside A-Z a-z 0-9 - _, or spare bits set in its last character).`,
    );
  }
  return bytes;
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

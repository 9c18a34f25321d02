import { SignJWT } from 'jose';
import { EmulatorError } from '../errors.js';
import { centsToDecimalString, toCents } from '../world/money.js';
import type { World } from '../world/world.js';

/** An order made on the checkout page (or through the admin API). */
export interface CheckoutOrder {
  /** Login of the user receiving the order. */
  readonly login: string;
  /** The payment method chosen: a reseller integration id. */
  readonly integrationId: number;
  /** A product name, or `marketplace` for an NLE top-up. */
  readonly product: string;
  /** The plan (`cnt`) of a product order. */
  readonly cnt?: number | undefined;
  /** The NLE amount of a top-up, as a decimal string (`13.37`). */
  readonly nle?: string | undefined;
}

/** The result: the token and where the user is sent. */
export interface CheckoutRedirect {
  readonly token: string;
  readonly redirectUrl: string;
  readonly payload: Record<string, unknown>;
}

const NLE_RE = /^(?:0|[1-9]\d{0,9})(?:\.\d{1,2})?$/;

function refuse(message: string): never {
  throw new EmulatorError('ERR_INVALID_ARGUMENT', message);
}

/**
 * Builds the `nl_purchase` JWT exactly as the docs describe: HS256 with the reseller's API key,
 * `iss` `NLRI`, `iat` now, `exp` = `iat` + 3600, and the order fields (`integration_id`, `login`,
 * `email`, `product`, `market`, `cnt`, then `days` for a product or `nle` for a top-up).
 *
 * @param viewerOwnsPrivate A private integration is usable only by its owner.
 * @throws {EmulatorError} `ERR_INVALID_ARGUMENT` or `ERR_NOT_FOUND` naming the field.
 */
export async function createCheckoutRedirect(
  world: World,
  order: CheckoutOrder,
): Promise<CheckoutRedirect> {
  const user = world.userByLogin(order.login);
  if (user === undefined)
    throw new EmulatorError('ERR_NOT_FOUND', `login: no user "${order.login}".`);
  const found = world.integration(order.integrationId);
  if (found === undefined)
    throw new EmulatorError(
      'ERR_NOT_FOUND',
      `integration_id: no integration ${order.integrationId}.`,
    );
  if (!found.integration.public && found.account.userId !== user.id) {
    refuse(
      `integration_id: integration ${order.integrationId} is private (visible only to its owner).`,
    );
  }
  const iat = Math.floor(world.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: 'NLRI',
    iat,
    exp: iat + 3600,
    integration_id: found.integration.id,
    login: user.login,
    email: user.email,
  };
  if (order.product === 'marketplace') {
    const nle = order.nle ?? '';
    const cents = NLE_RE.test(nle) ? toCents(Number(nle)) : undefined;
    if (cents === undefined || cents <= 0)
      refuse('nle: the top-up amount must be a decimal above 0 with at most 2 decimals.');
    Object.assign(payload, {
      product: 'marketplace',
      market: true,
      cnt: null,
      nle: centsToDecimalString(cents),
    });
  } else {
    const product = world.products.get(order.product);
    if (product === undefined) refuse(`product: unknown product "${order.product}".`);
    const plan = product.plans.find((p) => p.cnt === order.cnt);
    if (plan === undefined) refuse(`cnt: ${product.name} has no plan ${String(order.cnt)}.`);
    Object.assign(payload, {
      product: product.name,
      market: false,
      cnt: plan.cnt,
      days: plan.days,
    });
  }
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(found.account.apiKey));
  const target = new URL(found.integration.redirectUrl);
  target.searchParams.set('nl_purchase', token);
  return { token, redirectUrl: target.href, payload };
}

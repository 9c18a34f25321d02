import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MarketClient } from 'neverlose-market/client';
import { isNeverloseMarketError, isStoreFailure } from 'neverlose-market/errors';
import {
  acceptResellerOrder,
  type ResellerOrder,
  verifyResellerToken,
} from 'neverlose-market/reseller';
import type { Catalogue } from '../catalogue.js';
import type { CsrfGuard } from '../http/csrf.js';
import { bodyRefusal, FORGED_FORM, Refusal, refusing } from '../http/refusal.js';
import { readForm, sendHtml, sendRedirect } from '../http/respond.js';
import type { ShopStores } from '../state/stores.js';
import { orderPage, orderPrices, outcomePage, rejectionPage } from '../views/checkout.js';
import { fulfil, readOrder } from './fulfil.js';

/** What the checkout routes need. */
export interface CheckoutDeps {
  readonly client: MarketClient;
  readonly stores: ShopStores;
  readonly catalogue: Catalogue;
  readonly apiKey: string;
  readonly integrationId: number;
  readonly csrf: CsrfGuard;
}

const ORDER_ID_RE = /^[0-9a-f]{64}$/;

const TOKEN_STATUS: Record<string, number> = {
  ERR_RESELLER_TOKEN_EXPIRED: 410,
  ERR_INVALID_OPTION: 500,
};

/** Verifies the token (to show its order), or accepts it for delivery (to pay and deliver it). */
async function verify(deps: CheckoutDeps, token: string | null | undefined): Promise<ResellerOrder>;
async function verify(
  deps: CheckoutDeps,
  token: string | null | undefined,
  accept: 'accept',
): Promise<{ order: ResellerOrder; resumed: boolean }>;
async function verify(
  deps: CheckoutDeps,
  token: string | null | undefined,
  accept?: 'accept',
): Promise<ResellerOrder | { order: ResellerOrder; resumed: boolean }> {
  if (token === null || token === undefined || token === '') {
    throw new Refusal(
      400,
      'No order',
      'ERR_SHOP_NO_ORDER',
      'This page is opened from the Neverlose checkout: the nl_purchase parameter is missing.',
    );
  }
  const options = { integrationId: deps.integrationId };
  try {
    return accept === undefined
      ? await verifyResellerToken(token, deps.apiKey, options)
      : await acceptResellerOrder(token, deps.apiKey, { ...options, store: deps.stores.tokens });
  } catch (error) {
    if (isNeverloseMarketError(error) && error.code.startsWith('ERR_RESELLER_TOKEN_')) {
      throw new Refusal(
        TOKEN_STATUS[error.code] ?? 400,
        'This checkout link is not valid',
        error.code,
        error.message,
      );
    }
    throw error;
  }
}

function prices(deps: CheckoutDeps, order: ResellerOrder) {
  const found = orderPrices(deps.catalogue, order);
  if (found === undefined) {
    throw new Refusal(
      404,
      'Not sold here',
      'ERR_SHOP_NOT_SOLD',
      `This shop does not sell ${order.type === 'product' ? `${order.days} days of ${order.product}` : 'NLE'}.`,
    );
  }
  return found;
}

/**
 * `GET /checkout?nl_purchase=<JWT>`: the provider's redirect. Verifies the token (without spending
 * it: showing an order is not paying for it) and shows the order, or its outcome if already paid.
 */
export async function showCheckout(
  deps: CheckoutDeps,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
): Promise<void> {
  await refusing(res, async () => {
    const token = url.searchParams.get('nl_purchase');
    const order = await verify(deps, token);
    if ((await readOrder(deps.stores.journal, order.tokenId)) !== undefined) {
      sendRedirect(res, `/orders/${order.tokenId}?again=1`);
      return;
    }
    const csrf = deps.csrf.issue(req, 'pay');
    sendHtml(
      res,
      200,
      orderPage(
        deps.catalogue,
        order,
        { token: token ?? '', csrf: csrf.token },
        prices(deps, order),
      ),
      csrf.setCookie === undefined ? {} : { 'set-cookie': csrf.setCookie },
    );
  });
}

/**
 * `POST /checkout/pay`: takes the (simulated) payment and delivers. The order is accepted here,
 * recorded by its token before anything is delivered: a second submit (or a retry after a failed
 * delivery) resumes it and takes no second payment; delivery goes through the journal under the
 * order id, so it is applied once whatever happens. Answers with a redirect to the outcome
 * (post/redirect/get: reloading the outcome re-sends nothing).
 */
export async function pay(
  deps: CheckoutDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  await refusing(res, async () => {
    const body = await readForm(req);
    if (!body.ok) throw bodyRefusal(body.status);
    // Before the token is spent: a forged form must not use up the buyer's order.
    if (!deps.csrf.accepts(req, 'pay', body.form.get('csrf'))) throw FORGED_FORM;
    // Resumed: paid before, so no second payment. Delivering again with the same key joins or
    // reads the first delivery, and finishes it if it failed or a crash interrupted it.
    const { order, resumed: again } = await verify(deps, body.form.get('nl_purchase'), 'accept');
    prices(deps, order);
    try {
      await fulfil(deps.client, deps.stores.journal, order);
    } catch (error) {
      // The journal could not record the delivery: nothing was sent; the page says try again.
      if (isStoreFailure(error)) throw error;
      const code = isNeverloseMarketError(error) ? error.code : 'ERR_SHOP_INTERNAL';
      console.error('reseller-shop: delivery was not attempted:', error);
      throw new Refusal(
        502,
        'Delivery failed',
        code,
        'The order could not be sent to Neverlose; nothing was delivered. Submit the order again to retry: you will not pay twice.',
      );
    }
    sendRedirect(res, `/orders/${order.tokenId}${again ? '?again=1' : ''}`);
  });
}

/** `GET /orders/:id`: the outcome of a paid order, read from the journal. */
export async function showOrder(
  deps: CheckoutDeps,
  orderId: string,
  url: URL,
  res: ServerResponse,
): Promise<void> {
  const order = ORDER_ID_RE.test(orderId)
    ? await readOrder(deps.stores.journal, orderId)
    : undefined;
  if (order === undefined) {
    sendHtml(
      res,
      404,
      rejectionPage('No such order', 'ERR_SHOP_UNKNOWN_ORDER', 'No paid order has this id.'),
    );
    return;
  }
  sendHtml(
    res,
    200,
    outcomePage(deps.catalogue, orderId, order, url.searchParams.get('again') === '1'),
  );
}

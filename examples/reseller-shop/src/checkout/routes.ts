import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MarketClient } from 'neverlose-market/client';
import { isNeverloseMarketError, isStoreFailure } from 'neverlose-market/errors';
import {
  type ResellerOrder,
  type SingleUseTokenStore,
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
  ERR_RESELLER_TOKEN_REPLAYED: 409,
  ERR_RESELLER_TOKEN_INVALID_OPTIONS: 500,
};

async function verify(
  deps: CheckoutDeps,
  token: string | null | undefined,
  singleUseStore?: SingleUseTokenStore,
): Promise<ResellerOrder> {
  if (token === null || token === undefined || token === '') {
    throw new Refusal(
      400,
      'No order',
      'ERR_SHOP_NO_ORDER',
      'This page is opened from the Neverlose checkout: the nl_purchase parameter is missing.',
    );
  }
  try {
    return await verifyResellerToken(token, deps.apiKey, {
      integrationId: deps.integrationId,
      ...(singleUseStore === undefined ? {} : { singleUseStore }),
    });
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
 * `POST /checkout/pay`: takes the (simulated) payment and delivers. The token is spent here, so
 * a second submit takes no second payment; delivery goes through the journal under the order id,
 * so it is applied once whatever happens. Answers with a redirect to the outcome (post/redirect/get:
 * reloading the outcome re-sends nothing).
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
    const token = body.form.get('nl_purchase');
    let order: ResellerOrder;
    let again = false;
    try {
      order = await verify(deps, token, deps.stores.tokens);
    } catch (error) {
      if (!(error instanceof Refusal && error.code === 'ERR_RESELLER_TOKEN_REPLAYED')) throw error;
      // Paid before: no second payment. Delivering again with the same key joins or reads the
      // first delivery, and finishes it if a crash interrupted it.
      order = await verify(deps, token);
      again = true;
    }
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
        'The order could not be sent to Neverlose. Nothing was delivered; your payment will be refunded.',
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

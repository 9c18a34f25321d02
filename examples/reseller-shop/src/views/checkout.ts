import type { ResellerOrder } from 'neverlose-market/reseller';
import { type Catalogue, type Prices, topUpPrice } from '../catalogue.js';
import type { Delivered, JournaledOrder } from '../checkout/fulfil.js';
import { html, page, type SafeHtml } from '../http/html.js';

export function productTitle(catalogue: Catalogue, product: string): string {
  return catalogue.products[product]?.title ?? product;
}

/** The shop's price of an order, by currency; `undefined` when the shop does not sell it. */
export function orderPrices(catalogue: Catalogue, order: ResellerOrder): Prices | undefined {
  if (order.type === 'product') return catalogue.products[order.product]?.plans[order.days];
  return Object.fromEntries(
    Object.entries(catalogue.marketplace).map(([currency, unit]) => [
      currency,
      topUpPrice(order.nle, unit),
    ]),
  );
}

/** The button charges one currency: the catalogue's first. */
function firstPrice(prices: Prices): string {
  const [currency, amount] = Object.entries(prices)[0] ?? ['', ''];
  return `${amount} ${currency}`;
}

function priceList(prices: Prices): string {
  return Object.entries(prices)
    .map(([currency, amount]) => `${amount} ${currency}`)
    .join(' · ');
}

/** `GET /checkout`: the verified order and the (simulated) payment form. */
export function orderPage(
  catalogue: Catalogue,
  order: ResellerOrder,
  form: { readonly token: string; readonly csrf: string },
  prices: Prices,
): string {
  const what =
    order.type === 'product'
      ? html`<dt>Product</dt><dd id="order-product">${productTitle(catalogue, order.product)}</dd>
<dt>Plan</dt><dd id="order-days">${order.days} days</dd>`
      : html`<dt>Product</dt><dd id="order-product">NLE market top-up</dd>
<dt>Amount</dt><dd id="order-nle">${order.nle} NLE</dd>`;
  return page(
    'Your order',
    html`<h1>Your order</h1>
<div class="card" id="order" data-type="${order.type}"><dl>
${what}
<dt>Delivered to</dt><dd id="order-login">${order.login}</dd>
<dt>Email</dt><dd id="order-email">${order.email}</dd>
<dt>Price</dt><dd id="order-price">${priceList(prices)}</dd>
</dl></div>
<div class="card"><h2>Payment</h2>
<p class="muted">This reference shop simulates the payment: no money moves. A real shop hands over to
its payment provider here and delivers once the payment is confirmed.</p>
<form method="post" action="/checkout/pay" id="pay-form">
<input type="hidden" name="nl_purchase" value="${form.token}">
<input type="hidden" name="csrf" value="${form.csrf}">
<button type="submit" id="pay">Pay ${firstPrice(prices)}</button>
</form></div>`,
  );
}

/** Any refused request: the code and a sentence, never a stack trace. */
export function rejectionPage(title: string, code: string, message: string): string {
  return page(
    title,
    html`<div class="status bad" id="rejection" data-code="${code}">
<h1>${title}</h1>
<p id="rejection-message">${message}</p>
<p>Code: <code id="rejection-code">${code}</code></p>
</div>
<p class="muted">Start again from the Neverlose checkout. Nothing was charged or delivered.</p>`,
  );
}

function describe(catalogue: Catalogue, delivered: Delivered): SafeHtml {
  return delivered.type === 'product'
    ? html`<dt>Product</dt><dd id="order-product">${productTitle(catalogue, delivered.product)}</dd>
<dt>Plan</dt><dd id="order-days">${delivered.days} days</dd>
<dt>Delivered to</dt><dd id="order-login">${delivered.login}</dd>`
    : html`<dt>Product</dt><dd id="order-product">NLE market top-up</dd>
<dt>Amount</dt><dd id="order-nle">${delivered.nle} NLE</dd>
<dt>Delivered to</dt><dd id="order-login">${delivered.login}</dd>`;
}

/**
 * `GET /orders/:id`: what happened to a paid order. `again` says the buyer paid for it before
 * (a second click, a re-submitted form, the checkout link opened again).
 */
export function outcomePage(
  catalogue: Catalogue,
  orderId: string,
  order: JournaledOrder,
  again: boolean,
): string {
  const { outcome, delivered } = order;
  let status: SafeHtml;
  if (outcome.status === 'delivered') {
    const what =
      delivered.type === 'product'
        ? `${delivered.days} days of ${productTitle(catalogue, delivered.product)}`
        : `${delivered.nle} NLE`;
    status = again
      ? html`<div class="status ok" id="outcome" data-status="already-delivered">
<h1>Already delivered</h1>
<p>This order was paid and delivered before: ${what} went to ${delivered.login}. Nothing was charged or sent again.</p></div>`
      : html`<div class="status ok" id="outcome" data-status="delivered">
<h1>Delivered</h1>
<p>${what} went to ${delivered.login}. Thank you!</p></div>`;
  } else if (outcome.status === 'failed') {
    status = html`<div class="status bad" id="outcome" data-status="failed" data-code="${outcome.code}">
<h1>Delivery failed</h1>
<p>Neverlose answered: <strong id="outcome-message">${outcome.message}</strong></p>
<p>Code: <code>${outcome.code}</code>. Your payment will be refunded.</p></div>`;
  } else {
    status = html`<div class="status warn" id="outcome" data-status="pending">
<h1>Delivery in progress</h1>
<p>Neverlose has not confirmed the delivery yet. The shop retries it with the same request id, so it
is applied exactly once. Reload this page in a minute.</p></div>`;
  }
  return page(
    'Your order',
    html`${status}
<div class="card"><dl>${describe(catalogue, delivered)}
<dt>Order</dt><dd><code id="order-id">${orderId.slice(0, 16)}</code></dd></dl></div>`,
  );
}

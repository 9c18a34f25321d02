import type { EmulatorContext } from '../emulator-context.js';
import { isEmulatorError } from '../errors.js';
import { readParams, single } from '../http/form.js';
import { html, page } from '../http/html.js';
import type { RequestContext } from '../http/request-context.js';
import type { IntegrationRecord, UserRecord } from '../world/records.js';
import { createCheckoutRedirect } from './token.js';

function visibleIntegrations(
  app: EmulatorContext,
  user: UserRecord | undefined,
): IntegrationRecord[] {
  const out: IntegrationRecord[] = [];
  for (const account of app.world.accounts.values()) {
    const integration = account.integration;
    if (integration !== undefined && (integration.public || account.userId === user?.id))
      out.push(integration);
  }
  return out;
}

function priceText(app: EmulatorContext, integration: IntegrationRecord, key: string): string {
  const prices = app.world.activePrices(integration)?.prices[key];
  if (prices === undefined) return '';
  return Object.entries(prices)
    .map(([currency, value]) =>
      Array.isArray(value) ? `${value[0]}–${value[1]} ${currency}` : `${value} ${currency}`,
    )
    .join(', ');
}

function checkoutPage(app: EmulatorContext, params: URLSearchParams, error?: string): string {
  const users = [...app.world.users.values()];
  const login = single(params, 'login') ?? users[0]?.login ?? '';
  const user = app.world.userByLogin(login);
  const products = [...app.world.products.values()];
  const productName = single(params, 'product') ?? products[0]?.name ?? 'marketplace';
  const product = app.world.products.get(productName);
  const cnt = single(params, 'cnt') ?? '0';
  const priceKey =
    product === undefined
      ? 'marketplace'
      : `${product.name}-${product.plans.find((p) => String(p.cnt) === cnt)?.days ?? 30}`;
  const methods = visibleIntegrations(app, user);
  return page(
    'Checkout',
    html`<div class="card">
${error === undefined ? '' : html`<p class="error" id="checkout-error">${error}</p>`}
<form method="get" action="/checkout" id="checkout-select-form">
<label>User <select name="login" id="checkout-select-user">${users.map((u) => html`<option value="${u.login}"${u.login === user?.login ? html` selected` : ''}>${u.login}</option>`)}</select></label>
<label>Product <select name="product" id="checkout-select-product">${products.map((p) => html`<option value="${p.name}"${p.name === productName ? html` selected` : ''}>${p.title}</option>`)}<option value="marketplace"${productName === 'marketplace' ? html` selected` : ''}>NLE top-up</option></select></label>
<button type="submit" id="checkout-refresh">Show payment methods</button>
</form></div>
<div class="card">
<form method="post" action="/checkout" id="checkout-form">
<input type="hidden" name="login" id="checkout-user" value="${user?.login ?? login}">
<input type="hidden" name="product" id="checkout-product" value="${productName}">
${
  product === undefined
    ? html`<label>NLE amount <input name="nle" id="checkout-nle" value="${single(params, 'nle') ?? '10'}" inputmode="decimal"></label>`
    : html`<label>Plan <select name="cnt" id="checkout-plan">${product.plans.map((p) => html`<option value="${p.cnt}"${String(p.cnt) === cnt ? html` selected` : ''}>${p.days} days (${p.eur} NLE)</option>`)}</select></label>`
}
<fieldset><legend>Payment method</legend>
${methods.length === 0 ? html`<p class="muted" id="checkout-no-methods">No payment method is available to this user.</p>` : ''}
${methods.map(
  (m, i) =>
    html`<label><input type="radio" name="integration_id" value="${m.id}" id="checkout-method-${m.id}"${i === 0 ? html` checked` : ''}> ${m.name}${m.public ? '' : ' (private)'} <span class="muted">${priceText(app, m, priceKey)}</span></label>`,
)}
</fieldset>
<button type="submit" class="primary" id="checkout-submit">Continue to payment</button>
</form></div>`,
  );
}

/** `GET /checkout`: choose user, product or top-up, plan and the reseller's payment method. */
export function handleCheckoutPage(ctx: RequestContext, app: EmulatorContext): void {
  ctx.log.area = 'checkout';
  ctx.html(200, checkoutPage(app, ctx.url.searchParams));
}

/** `POST /checkout`: redirects (303) to the reseller's URL with `?nl_purchase=<JWT>`. */
export async function handleCheckoutSubmit(
  ctx: RequestContext,
  app: EmulatorContext,
): Promise<void> {
  ctx.log.area = 'checkout';
  const params = await readParams(ctx);
  if (params === undefined) return;
  const cntText = single(params, 'cnt');
  try {
    const redirect = await createCheckoutRedirect(app.world, {
      login: single(params, 'login') ?? '',
      integrationId: Number(single(params, 'integration_id') ?? Number.NaN),
      product: single(params, 'product') ?? '',
      cnt: typeof cntText === 'string' && /^\d{1,6}$/.test(cntText) ? Number(cntText) : undefined,
      nle: single(params, 'nle') ?? undefined,
    });
    ctx.redirect(redirect.redirectUrl, 303);
  } catch (error) {
    if (!isEmulatorError(error)) throw error;
    ctx.html(400, checkoutPage(app, params, error.message));
  }
}

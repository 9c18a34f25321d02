import type { PriceSyncStatus } from 'neverlose-market/prices';
import type { Catalogue } from '../catalogue.js';
import { html, page } from '../http/html.js';
import type { ReceivedWebhook } from '../webhooks/log.js';

function time(date: Date | undefined): string {
  return date === undefined
    ? 'never'
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

export interface AdminView {
  readonly status: PriceSyncStatus;
  readonly lastError: string | undefined;
  readonly intervalMs: number;
  readonly checkoutUrl: string;
  readonly webhookUrl: string;
  readonly integrationId: number;
  readonly storage: string;
  /** The token of the push-prices form. */
  readonly csrfToken: string;
}

/** `GET /admin`: price sync, the URLs to set in the market API settings, the storage in use. */
export function adminPage(view: AdminView): string {
  const { status } = view;
  const health = status.expired
    ? html`<div class="status bad" id="price-sync-state" data-state="expired">Prices are not in the Neverlose checkout (never pushed or expired).</div>`
    : status.expiringSoon
      ? html`<div class="status warn" id="price-sync-state" data-state="expiring">Prices expire soon: pushes are failing.</div>`
      : html`<div class="status ok" id="price-sync-state" data-state="live">Prices are live in the Neverlose checkout.</div>`;
  return page(
    'Admin',
    html`<h1>Admin</h1>
${health}
<div class="card"><h2>Price sync</h2><dl>
<dt>Last push</dt><dd id="price-last-push">${time(status.lastPushedAt)}</dd>
<dt>Expires</dt><dd id="price-expires">${time(status.expiresAt)}</dd>
<dt>Push every</dt><dd>${Math.round(view.intervalMs / 60_000)} min</dd>
<dt>Failures in a row</dt><dd id="price-failures">${status.consecutiveFailures}</dd>
${view.lastError === undefined ? '' : html`<dt>Last error</dt><dd id="price-last-error">${view.lastError}</dd>`}
</dl>
<form method="post" action="/admin/push-prices"><input type="hidden" name="csrf" value="${view.csrfToken}"><p><button type="submit" class="secondary" id="push-prices">Push prices now</button></p></form></div>
<div class="card"><h2>Market API settings</h2><dl>
<dt>Integration</dt><dd>${view.integrationId}</dd>
<dt>Redirect URL</dt><dd><code id="checkout-url">${view.checkoutUrl}</code></dd>
<dt>Webhook URL</dt><dd><code id="webhook-url">${view.webhookUrl}</code></dd>
<dt>Storage</dt><dd>${view.storage}</dd>
</dl></div>`,
  );
}

/** `GET /`: the catalogue, as pushed to the Neverlose checkout. */
export function homePage(catalogue: Catalogue, status: PriceSyncStatus): string {
  const rows = Object.entries(catalogue.products).flatMap(([, product]) =>
    Object.entries(product.plans).map(
      ([days, prices]) =>
        html`<tr><td>${product.title}</td><td>${days} days</td><td>${Object.entries(prices ?? {})
          .map(([currency, amount]) => `${amount} ${currency}`)
          .join(' · ')}</td></tr>`,
    ),
  );
  return page(
    'Prices',
    html`<h1>Neverlose subscriptions and NLE</h1>
<div class="card"><p>Pick this shop as the payment method in the Neverlose checkout; you come back here to pay.</p>
<table id="price-table"><thead><tr><th>Product</th><th>Plan</th><th>Price</th></tr></thead><tbody>
${rows}
<tr><td>NLE top-up</td><td>per NLE</td><td>${Object.entries(catalogue.marketplace)
      .map(([currency, amount]) => `${amount} ${currency}`)
      .join(' · ')}</td></tr>
</tbody></table>
<p class="muted">Prices last pushed to Neverlose: ${time(status.lastPushedAt)}; they expire ${time(status.expiresAt)}.</p></div>`,
  );
}

/** `GET /webhooks`: verified webhooks, newest first. */
export function webhooksPage(webhooks: readonly ReceivedWebhook[]): string {
  return page(
    'Webhooks',
    html`<h1>Webhooks</h1>
<div class="card"><p class="muted">Verified events received at <code>/webhooks/neverlose</code>; a redelivery is listed once.</p>
<table id="webhook-list"><thead><tr><th>Kind</th><th>Id</th><th>From</th><th>Amount</th><th>Item</th><th>Received</th></tr></thead><tbody>
${
  webhooks.length === 0
    ? html`<tr id="webhook-empty"><td colspan="6" class="muted">No webhook yet.</td></tr>`
    : webhooks.map(
        (w) =>
          html`<tr class="webhook" data-kind="${w.kind}" data-unique-id="${w.uniqueId}"><td>${w.kind}</td><td>${w.uniqueId}</td><td>${w.username}</td><td>${w.amount} NLE</td><td>${w.itemId ?? ''}</td><td>${time(new Date(w.receivedAt))}</td></tr>`,
      )
}
</tbody></table></div>`,
  );
}

import type { EmulatorContext } from '../emulator-context.js';
import { html, page, type RawHtml } from '../http/html.js';
import type { RequestContext } from '../http/request-context.js';
import { accountView, itemView, tokensView, userView } from './views.js';

function table(
  id: string,
  headers: readonly string[],
  rows: readonly (readonly unknown[])[],
): RawHtml {
  return html`<table id="${id}"><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr>
${rows.length === 0 ? html`<tr><td colspan="${headers.length}" class="muted">none</td></tr>` : ''}
${rows.map((row) => html`<tr>${row.map((cell) => html`<td>${typeof cell === 'object' && cell !== null ? html`<code>${JSON.stringify(cell)}</code>` : cell}</td>`)}</tr>`)}</table>`;
}

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/** `GET /admin`: users, balances, items, API calls, webhook deliveries, tokens and faults. */
export function handleDashboard(ctx: RequestContext, app: EmulatorContext): void {
  ctx.log.area = 'admin';
  const users = [...app.world.users.values()].map(userView);
  const tokens = tokensView(app);
  const calls = app.calls.slice(-100).reverse();
  const deliveries = app.webhooks.deliveries.slice(-100).reverse();
  ctx.html(
    200,
    page(
      'Dashboard',
      html`<p><a href="/market">Market</a> · <a href="/checkout">Checkout</a> · <a href="/.well-known/openid-configuration">Discovery</a> · <a href="/admin/api/world">World JSON</a></p>
<h2>Users</h2>
${table(
  'dashboard-users',
  ['id', 'login', 'email', 'balance (NLE)', 'items', 'invited', 'subscriptions'],
  users.map((u) => [
    u.id,
    u.login,
    u.email,
    u.balance,
    u.items.join(', '),
    u.invited.join(', '),
    u.subscriptions,
  ]),
)}
<h2>Market accounts</h2>
${table(
  'dashboard-accounts',
  ['user id', 'API key', 'reseller', 'webhooks', 'integration'],
  [...app.world.accounts.values()].map((a) => {
    const v = accountView(app, a);
    return [v.userId, v.apiKey, v.reseller ? 'yes' : 'no', v.webhooks, v.integration];
  }),
)}
<h2>Items</h2>
${table(
  'dashboard-items',
  ['code', 'name', 'price (NLE)', 'seller id'],
  [...app.world.items.values()].map(itemView).map((i) => [i.code, i.name, i.price, i.sellerId]),
)}
<h2>OAuth clients</h2>
${table(
  'dashboard-clients',
  ['client id', 'secret', 'redirect URIs', 'permissions'],
  [...app.world.clients.values()].map((c) => [
    c.clientId,
    c.clientSecret,
    c.redirectUris.join(' '),
    c.permissions.join(', '),
  ]),
)}
<h2>API calls (latest 100)</h2>
${table(
  'dashboard-calls',
  ['#', 'time', 'request', 'status', 'market', 'fault', 'outcome', 'reply'],
  calls.map((c) => [
    c.seq,
    time(c.at),
    `${c.method} ${c.path}`,
    c.status ?? '',
    c.marketMethod === undefined ? '' : `user ${c.userId ?? '?'} id ${c.requestId ?? '-'}`,
    c.fault ?? '',
    c.outcome,
    c.replyBody?.slice(0, 200) ?? '',
  ]),
)}
<h2>Ledger</h2>
${table(
  'dashboard-ledger',
  ['#', 'time', 'method', 'user id', 'request id', 'params'],
  app.world.ledger
    .slice(-100)
    .reverse()
    .map((l) => [l.seq, time(l.appliedAt), l.method, l.userId ?? '', l.requestId ?? '', l.params]),
)}
<h2>Webhook deliveries (latest 100)</h2>
<p class="muted">Send one again (same body and signature), to test an idempotent handler:
<code>curl -X POST ${app.baseUrl()}/admin/api/webhooks/&lt;#&gt;/replay -H 'content-type: application/json'</code></p>
${table(
  'dashboard-webhooks',
  ['#', 'kind', 'url', 'state', 'attempts', 'replay of', 'body'],
  deliveries.map((d) => [
    d.id,
    d.kind,
    d.url,
    d.state,
    d.attempts.map((a) => a.status ?? a.error).join(', '),
    d.replayOf ?? '',
    d.body,
  ]),
)}
<h2>Tokens</h2>
${table(
  'dashboard-tokens',
  ['client', 'user id', 'scopes', 'state', 'expires'],
  tokens.tokens.map((t) => [
    t.clientId,
    t.userId,
    t.scopes.join(' '),
    t.revoked ? 'revoked' : t.expired ? 'expired' : 'valid',
    t.expiresAt,
  ]),
)}
${table(
  'dashboard-codes',
  ['client', 'user id', 'pkce', 'used', 'expires'],
  tokens.codes.map((c) => [
    c.clientId,
    c.userId,
    c.pkce ? 'S256' : 'no',
    c.used ? 'yes' : 'no',
    c.expiresAt,
  ]),
)}
<h2>Faults (seed ${app.faults.seed})</h2>
${table(
  'dashboard-faults',
  ['id', 'target', 'kind', 'remaining', 'probability', 'fired'],
  app.faults
    .list()
    .map((f) => [
      f.id,
      f.method ?? f.path ?? 'all market calls',
      f.kind,
      f.remaining ?? '∞',
      f.probability,
      f.fired,
    ]),
)}`,
    ),
  );
}

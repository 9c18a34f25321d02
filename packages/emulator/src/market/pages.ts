import type { EmulatorContext } from '../emulator-context.js';
import { readParams, single } from '../http/form.js';
import { html, page } from '../http/html.js';
import type { RequestContext } from '../http/request-context.js';
import { OPERATION_ERRORS, OperationRefused } from '../world/errors.js';
import { fromCents, toCents } from '../world/money.js';
import { EMULATOR_ORIGIN, purchase, transfer } from '../world/operations.js';

function marketPage(
  app: EmulatorContext,
  login: string | undefined,
  message?: string,
  error?: string,
): string {
  const users = [...app.world.users.values()];
  const me = (login === undefined ? undefined : app.world.userByLogin(login)) ?? users[0];
  const items = [...app.world.items.values()];
  return page(
    'Market',
    html`<div class="card">
<p>Acting as: ${users.map((u) => html`<a href="/market?as=${encodeURIComponent(u.login)}" id="market-as-${u.login}">${u.login === me?.login ? html`<strong>${u.login}</strong>` : u.login}</a> `)}</p>
<p>Balance: <strong id="market-balance">${fromCents(me?.balanceCents ?? 0)}</strong> NLE</p>
${message === undefined ? '' : html`<p id="market-message">${message}</p>`}
${error === undefined ? '' : html`<p class="error" id="market-error">${error}</p>`}
</div>
<div class="card"><h2>Items</h2><table><tr><th>Code</th><th>Name</th><th>Price</th><th></th></tr>
${items.map(
  (
    item,
  ) => html`<tr><td><code>${item.code}</code></td><td>${item.name}</td><td>${fromCents(item.priceCents)} NLE</td><td>
<form method="post" action="/market/buy"><input type="hidden" name="buyer" value="${me?.login ?? ''}">
<button type="submit" name="code" value="${item.code}" id="buy-${item.code}"${me?.items.includes(item.code) ? html` disabled` : ''}>Buy</button></form></td></tr>`,
)}
</table></div>
<div class="card"><h2>Transfer NLE</h2>
<form method="post" action="/market/transfer" id="transfer-form">
<input type="hidden" name="from" value="${me?.login ?? ''}">
<label>To <input name="to" id="transfer-to" autocomplete="off"></label>
<label>Amount <input name="amount" id="transfer-amount" inputmode="decimal"></label>
<button type="submit" class="primary" id="transfer-submit">Transfer</button>
</form></div>`,
  );
}

/** `GET /market?as=<login>`: buy items and transfer NLE as a seeded user (sends webhooks). */
export function handleMarketPage(ctx: RequestContext, app: EmulatorContext): void {
  ctx.html(
    200,
    marketPage(
      app,
      ctx.url.searchParams.get('as') ?? undefined,
      ctx.url.searchParams.get('message') ?? undefined,
    ),
  );
}

async function pageAction(
  ctx: RequestContext,
  app: EmulatorContext,
  actor: string,
  apply: (params: URLSearchParams) => string,
): Promise<void> {
  const params = await readParams(ctx);
  if (params === undefined) return;
  const login = single(params, actor) ?? '';
  try {
    const message = apply(params);
    ctx.redirect(
      `/market?as=${encodeURIComponent(login)}&message=${encodeURIComponent(message)}`,
      303,
    );
  } catch (error) {
    if (!(error instanceof OperationRefused)) throw error;
    ctx.html(400, marketPage(app, login, undefined, error.message));
  }
}

/** `POST /market/buy` (`buyer`, `code`). */
export function handleMarketBuy(ctx: RequestContext, app: EmulatorContext): Promise<void> {
  return pageAction(ctx, app, 'buyer', (params) => {
    const code = single(params, 'code') ?? '';
    purchase(app.world, single(params, 'buyer') ?? '', code);
    return `Bought ${code}.`;
  });
}

/** `POST /market/transfer` (`from`, `to`, `amount`). */
export function handleMarketTransfer(ctx: RequestContext, app: EmulatorContext): Promise<void> {
  return pageAction(ctx, app, 'from', (params) => {
    const from = app.world.userByLogin(single(params, 'from') ?? '');
    if (from === undefined) throw new OperationRefused(OPERATION_ERRORS.userNotFound);
    const amountText = single(params, 'amount') ?? '';
    const cents = /^\d{1,10}(?:\.\d{1,2})?$/.test(amountText)
      ? toCents(Number(amountText))
      : undefined;
    if (cents === undefined) throw new OperationRefused(OPERATION_ERRORS.invalidAmount);
    transfer(app.world, from.id, single(params, 'to') ?? '', cents, EMULATOR_ORIGIN, 'transfer');
    return `Transferred ${amountText} NLE.`;
  });
}

/** `GET /users/<login>`: the profile page that the `profile` claim points to. */
export function handleProfile(ctx: RequestContext, app: EmulatorContext): void {
  const user = app.world.userByLogin(ctx.params['login'] ?? '');
  if (user === undefined) {
    ctx.html(
      404,
      page('No such user', html`<p class="error">No user ${ctx.params['login'] ?? ''}.</p>`),
    );
    return;
  }
  ctx.html(
    200,
    page(
      user.login,
      html`<div class="card"><p>User id <strong>${user.id}</strong>, registered ${user.regDate}.</p></div>`,
    ),
  );
}

/** A 1x1 PNG, served as every placeholder avatar. */
const AVATAR_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** `GET /avatars/<id>.png`. */
export function handleAvatar(ctx: RequestContext): void {
  ctx.send(200, { 'content-type': 'image/png', 'cache-control': 'max-age=3600' }, AVATAR_PNG);
}

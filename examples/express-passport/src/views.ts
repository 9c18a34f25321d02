import { html, type SafeHtml } from './html.js';
import type { AppUser } from './user.js';

/** What every page needs to draw the header. */
export interface PageContext {
  readonly user: AppUser | undefined;
  /** The session's CSRF token for the logout form; present when someone is signed in. */
  readonly csrfToken: string | undefined;
}

function userName(user: AppUser): string {
  return user.displayName ?? user.username ?? `user ${user.id}`;
}

function header(context: PageContext): SafeHtml {
  const { user, csrfToken } = context;
  const account =
    user === undefined
      ? html`<a class="button" id="login" href="/auth/neverlose">Login with Neverlose</a>`
      : html`<span class="muted" id="signed-in-as">${userName(user)}</span>
<form method="post" action="/logout" id="logout-form">
<input type="hidden" name="csrf" value="${csrfToken ?? ''}">
<button type="submit" class="button secondary" id="logout">Log out</button>
</form>`;
  return html`<header>
<a class="brand" href="/">Neverlose example</a>
<nav><a href="/" id="nav-home">Home</a><a href="/profile" id="nav-profile">Profile</a><a href="/orders" id="nav-orders">Orders</a></nav>
${account}
</header>`;
}

/** A whole page. */
export function layout(title: string, context: PageContext, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Express + passport-neverlose</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
${header(context)}
<main>${body}</main>
</body>
</html>`.value;
}

export function homePage(context: PageContext, notice: 'logged-out' | undefined): string {
  const { user } = context;
  const body = html`${notice === 'logged-out' ? html`<p class="notice" id="logged-out">You are logged out.</p>` : ''}
<div class="card">
<h1>Express + passport-neverlose</h1>
${
  user === undefined
    ? html`<p id="home-status">You are not signed in. Sign in with your Neverlose account to see your profile and your orders.</p>
<p><a class="button" id="home-login" href="/auth/neverlose">Login with Neverlose</a></p>`
    : html`<p id="home-status">Signed in as <strong id="home-username">${userName(user)}</strong>.</p>
<p><a class="button" href="/profile">Your profile</a> <a class="button secondary" href="/orders">Your orders</a></p>`
}
</div>`;
  return layout('Home', context, body);
}

export function profilePage(context: PageContext & { user: AppUser }): string {
  const { user } = context;
  const body = html`<div class="card">
<h1 id="profile-title">Your Neverlose profile</h1>
<div class="profile">
${user.avatarUrl === undefined ? '' : html`<img id="profile-avatar" src="${user.avatarUrl}" alt="Avatar of ${userName(user)}" referrerpolicy="no-referrer">`}
<dl>
<dt>Username</dt><dd id="profile-username">${user.username ?? '(not shared)'}</dd>
<dt>Email</dt><dd id="profile-email">${user.email ?? '(not shared)'}</dd>
<dt>Registered</dt><dd id="profile-reg-date">${user.registrationDate === undefined ? '(unknown)' : html`<time datetime="${user.registrationDate}">${user.registrationDate}</time>`}</dd>
<dt>User id</dt><dd id="profile-id">${user.id}</dd>
</dl>
</div>
</div>`;
  return layout('Profile', context, body);
}

const SAMPLE_ORDERS = [
  { id: 'A-1042', item: 'CS2 subscription, 30 days', total: '20.00 NLE' },
  { id: 'A-0977', item: 'Demo config', total: '1.00 NLE' },
];

export function ordersPage(context: PageContext & { user: AppUser }): string {
  const rows = SAMPLE_ORDERS.map(
    (order) => html`<tr><td>${order.id}</td><td>${order.item}</td><td>${order.total}</td></tr>`,
  );
  const body = html`<div class="card">
<h1 id="orders-title">Orders of ${userName(context.user)}</h1>
<p class="muted">A protected page: signed-out visitors are sent to Neverlose and brought back here.</p>
<table id="orders"><thead><tr><th>Order</th><th>Item</th><th>Total</th></tr></thead><tbody>${rows}</tbody></table>
</div>`;
  return layout('Orders', context, body);
}

export function declinedPage(context: PageContext): string {
  const body = html`<div class="notice error" id="login-declined">You declined to share your Neverlose account, so you are not signed in.</div>
<div class="card"><p>Changed your mind?</p><p><a class="button" id="login-again" href="/auth/neverlose">Login with Neverlose</a></p></div>`;
  return layout('Login cancelled', context, body);
}

export function loginFailedPage(context: PageContext, message: string, code?: string): string {
  const codeLine =
    code === undefined ? '' : html`<p class="muted" id="login-error-code">${code}</p>`;
  const body = html`<div class="notice error" id="login-error">The login did not complete: <span id="login-error-message">${message}</span></div>
<div class="card">${codeLine}<p><a class="button" id="login-again" href="/auth/neverlose">Start again</a></p></div>`;
  return layout('Login failed', context, body);
}

export function notFoundPage(context: PageContext): string {
  return layout(
    'Not found',
    context,
    html`<div class="card"><h1 id="not-found">Page not found</h1><p><a href="/">Back home</a></p></div>`,
  );
}

/** A request the app refuses as sent (a body too large, a malformed form or URL). */
export function badRequestPage(context: PageContext, status: number, message: string): string {
  return layout(
    'Bad request',
    context,
    html`<div class="card"><h1 id="bad-request">The request was refused</h1><p id="bad-request-message">${message}</p><p class="muted">HTTP ${status}</p></div>`,
  );
}

export function serverErrorPage(context: PageContext): string {
  return layout(
    'Error',
    context,
    html`<div class="card"><h1 id="server-error">Something went wrong on our side</h1><p>Please try again in a moment.</p></div>`,
  );
}

import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { NeverloseSessionUser } from 'neverlose-oidc/hono';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1b1f2a; background: #f4f6fb; }
  header { display: flex; gap: 1.25rem; align-items: center; padding: 1rem 2rem; background: #fff; border-bottom: 1px solid #dde2ec; }
  header strong { margin-right: auto; }
  header a { color: #4b5563; text-decoration: none; }
  main { max-width: 40rem; margin: 2.5rem auto; padding: 2rem; background: #fff; border: 1px solid #dde2ec; border-radius: 12px; }
  .button { display: inline-block; padding: .6rem 1.1rem; border: 0; border-radius: 8px; background: #e8590c; color: #fff; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; }
  .secondary { background: #e9edf5; color: #1b1f2a; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1.5rem; }
  dd { margin: 0; }
  .avatar { width: 96px; height: 96px; border-radius: 50%; background: #e9edf5; }
  .code { font-family: ui-monospace, monospace; color: #6b7280; }
`;

/** The signed-in user, and the token the sign-out form posts. */
export interface Viewer {
  readonly user: NeverloseSessionUser | undefined;
  readonly csrf: string | undefined;
}

export function page(title: string, viewer: Viewer, body: Html): Html {
  const { user, csrf } = viewer;
  const control = user
    ? html`<span id="header-user">${user.username ?? user.id}</span>
        <form method="post" action="/auth/neverlose/logout"><input type="hidden" name="csrf" value="${csrf ?? ''}"><button id="logout" class="button secondary">Log out</button></form>`
    : html`<a id="login" class="button" href="/auth/neverlose">Login with Neverlose</a>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Neverlose Hono example</title><style>${raw(STYLE)}</style></head>
<body><header><strong>Hono example</strong><a href="/">Home</a><a href="/profile">Profile</a><a href="/orders">Orders</a>${control}</header>
<main>${body}</main></body></html>`;
}

export function homePage(viewer: Viewer, loggedOut: boolean): Html {
  const notice = loggedOut && !viewer.user ? html`<p id="logged-out">You are logged out.</p>` : '';
  const body = viewer.user
    ? html`<h1>Welcome back, <span id="home-username">${viewer.user.username ?? viewer.user.id}</span></h1>
        <p>Signed in with <code>neverlose-oidc/hono</code>; the session is a sealed cookie.</p>`
    : html`<h1>Login with Neverlose</h1><p>This Hono app runs the same code on Node, Bun and Workers.</p>`;
  return page('Home', viewer, html`${notice}${body}`);
}

export function profilePage(viewer: Viewer & { user: NeverloseSessionUser }): Html {
  const { user } = viewer;
  const row = (id: string, label: string, value: string | undefined) =>
    value === undefined ? '' : html`<dt>${label}</dt><dd id="${id}">${value}</dd>`;
  const avatar = user.avatarUrl
    ? html`<img id="profile-avatar" class="avatar" src="${user.avatarUrl}" alt="">`
    : html`<div id="profile-avatar" class="avatar"></div>`;
  return page(
    'Profile',
    viewer,
    html`<h1>Your Neverlose profile</h1>${avatar}<dl>
      ${row('profile-username', 'Username', user.username)}
      ${row('profile-email', 'Email', user.email)}
      ${row('profile-reg-date', 'Registered', user.registrationDate)}
      ${row('profile-id', 'User id', user.id)}</dl>`,
  );
}

export function ordersPage(viewer: Viewer & { user: NeverloseSessionUser }): Html {
  return page(
    'Orders',
    viewer,
    html`<h1 id="orders-title">Orders of ${viewer.user.username ?? viewer.user.id}</h1>
      <table id="orders"><thead><tr><th>Order</th><th>Product</th></tr></thead>
      <tbody><tr><td>A-1001</td><td>CS2, 30 days</td></tr></tbody></table>`,
  );
}

export function failurePage(status: number, code: string, message: string): Html {
  const title =
    code === 'ERR_ACCESS_DENIED'
      ? html`<h1 id="login-declined">You declined to sign in</h1><p>Neverlose did not share your account with this app.</p>`
      : html`<h1 id="login-failed">Sign-in did not complete</h1><p>${message}</p>`;
  return page(
    'Sign-in failed',
    { user: undefined, csrf: undefined },
    html`${title}<p class="code" id="error-code">HTTP ${status}</p>`,
  );
}

import type { SessionUser } from './session.js';

/** Escapes text for HTML bodies and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1b1f2a; background: #f4f6fb; }
  header { display: flex; gap: 1.25rem; align-items: center; padding: 1rem 2rem; background: #fff; border-bottom: 1px solid #dde2ec; }
  header strong { margin-right: auto; }
  header a { color: #4b5563; text-decoration: none; }
  main { max-width: 40rem; margin: 2.5rem auto; padding: 2rem; background: #fff; border: 1px solid #dde2ec; border-radius: 12px; }
  h1 { margin-top: 0; font-size: 1.5rem; }
  .button { display: inline-block; padding: .6rem 1.1rem; border: 0; border-radius: 8px; background: #3b5bdb; color: #fff; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; }
  .secondary { background: #e9edf5; color: #1b1f2a; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1.5rem; margin: 0; }
  dt { color: #6b7280; }
  dd { margin: 0; }
  .profile { display: flex; gap: 2rem; align-items: center; }
  .avatar { width: 96px; height: 96px; border-radius: 50%; background: #e9edf5; }
  .code { font-family: ui-monospace, monospace; color: #6b7280; }
`;

/** A whole page. `user` decides the header's sign-in or sign-out control. */
export function page(title: string, body: string, user?: SessionUser): string {
  const control = user
    ? `<span id="header-user">${escapeHtml(user.username ?? user.id)}</span>
       <form method="post" action="/logout"><input type="hidden" name="csrf" value="${escapeHtml(user.csrf)}"><button id="logout" class="button secondary">Log out</button></form>`
    : `<a id="login" class="button" href="/login">Login with Neverlose</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Neverlose web-standard example</title><style>${STYLE}</style></head>
<body><header><strong>Web-standard example</strong><a href="/">Home</a><a href="/profile">Profile</a><a href="/orders">Orders</a>${control}</header>
<main>${body}</main></body></html>`;
}

export function homePage(user: SessionUser | undefined, loggedOut = false): string {
  const notice = loggedOut && !user ? '<p id="logged-out">You are logged out.</p>' : '';
  const body = user
    ? `<h1>Welcome back, <span id="home-username">${escapeHtml(user.username ?? user.id)}</span></h1>
       <p>You are signed in with Neverlose. The session lives in a sealed cookie: this server keeps no session at all.</p>`
    : `<h1>Login with Neverlose</h1>
       <p>This example signs you in with <code>neverlose-oidc</code> on Web <code>Request</code> and <code>Response</code>,
       keeping the login in flight and the session in encrypted cookies.</p>
       <p><a id="login-main" class="button" href="/login">Login with Neverlose</a></p>`;
  return page('Home', notice + body, user);
}

export function profilePage(user: SessionUser): string {
  const avatar = user.avatarUrl
    ? `<img id="profile-avatar" class="avatar" src="${escapeHtml(user.avatarUrl)}" alt="">`
    : '<div id="profile-avatar" class="avatar"></div>';
  const row = (id: string, label: string, value: string | undefined) =>
    value === undefined ? '' : `<dt>${label}</dt><dd id="${id}">${escapeHtml(value)}</dd>`;
  return page(
    'Profile',
    `<h1>Your Neverlose profile</h1>
     <div class="profile">${avatar}<dl>
       ${row('profile-username', 'Username', user.username)}
       ${row('profile-email', 'Email', user.email)}
       ${row('profile-reg-date', 'Registered', user.registrationDate)}
       ${row('profile-id', 'User id', user.id)}
     </dl></div>`,
    user,
  );
}

/** Sample orders: the page stands for anything that needs a signed-in user. */
const SAMPLE_ORDERS = [
  { id: 'A-1001', product: 'CS2, 30 days', date: '2026-10-02' },
  { id: 'A-1002', product: '12.50 NLE top-up', date: '2026-11-14' },
];

export function ordersPage(user: SessionUser): string {
  const rows = SAMPLE_ORDERS.map(
    (order) =>
      `<tr><td>${escapeHtml(order.id)}</td><td>${escapeHtml(order.product)}</td><td>${escapeHtml(order.date)}</td></tr>`,
  ).join('');
  return page(
    'Orders',
    `<h1 id="orders-title">Orders of ${escapeHtml(user.username ?? user.id)}</h1>
     <p>A page only signed-in users see: you came back here after signing in.</p>
     <table id="orders"><thead><tr><th>Order</th><th>Product</th><th>Date</th></tr></thead><tbody>${rows}</tbody></table>`,
    user,
  );
}

export function declinedPage(): string {
  return page(
    'Declined',
    `<h1 id="login-declined">You declined to sign in</h1>
     <p>Neverlose did not share your account with this app, so you are not signed in. Nothing else happened.</p>
     <p><a class="button" href="/login">Try again</a></p>`,
  );
}

export function loginFailedPage(code: string, message: string): string {
  return page(
    'Sign-in failed',
    `<h1 id="login-failed">Sign-in did not complete</h1><p>${escapeHtml(message)}</p>
     <p class="code" id="error-code">${escapeHtml(code)}</p><p><a class="button" href="/login">Start again</a></p>`,
  );
}

export function errorPage(status: number, title: string, message: string): string {
  return page(
    title,
    `<h1 id="error-title">${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p class="code">HTTP ${status}</p>`,
  );
}

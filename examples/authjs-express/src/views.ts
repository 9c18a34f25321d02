/** A signed-in user as the session keeps it: only what the pages show, no token. */
export interface AppUser {
  readonly id: string;
  readonly username?: string;
  readonly email?: string;
  readonly avatarUrl?: string;
  readonly registrationDate?: string;
}

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
  .button { display: inline-block; padding: .6rem 1.1rem; border: 0; border-radius: 8px; background: #5f3dc4; color: #fff; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; }
  .secondary { background: #e9edf5; color: #1b1f2a; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1.5rem; }
  dd { margin: 0; }
  .avatar { width: 96px; height: 96px; border-radius: 50%; background: #e9edf5; }
`;

/** Who is looking: the user and the sign-out form's token (Auth.js's CSRF token). */
export interface Viewer {
  readonly user: AppUser | undefined;
  readonly csrf: string | undefined;
}

export function page(title: string, viewer: Viewer, body: string): string {
  const { user, csrf } = viewer;
  const control = user
    ? `<span id="header-user">${escapeHtml(user.username ?? user.id)}</span>
       <form method="post" action="/auth/signout"><input type="hidden" name="csrfToken" value="${escapeHtml(csrf ?? '')}"><input type="hidden" name="callbackUrl" value="/?loggedOut=1"><button id="logout" class="button secondary">Log out</button></form>`
    : `<a id="login" class="button" href="/login">Login with Neverlose</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Neverlose Auth.js example</title><style>${STYLE}</style></head>
<body><header><strong>Auth.js example</strong><a href="/">Home</a><a href="/profile">Profile</a><a href="/orders">Orders</a>${control}</header>
<main>${body}</main></body></html>`;
}

export function homePage(viewer: Viewer, loggedOut: boolean): string {
  const notice = loggedOut && !viewer.user ? '<p id="logged-out">You are logged out.</p>' : '';
  const body = viewer.user
    ? `<h1>Welcome back, ${escapeHtml(viewer.user.username ?? viewer.user.id)}</h1>`
    : `<h1>Login with Neverlose</h1><p>Auth.js on Express with <code>neverlose-oidc/authjs</code>; the session is Auth.js's encrypted cookie.</p>`;
  return page('Home', viewer, notice + body);
}

export function profilePage(viewer: Viewer, user: AppUser): string {
  const row = (id: string, label: string, value: string | undefined) =>
    value === undefined ? '' : `<dt>${label}</dt><dd id="${id}">${escapeHtml(value)}</dd>`;
  const avatar = user.avatarUrl
    ? `<img id="profile-avatar" class="avatar" src="${escapeHtml(user.avatarUrl)}" alt="">`
    : '<div id="profile-avatar" class="avatar"></div>';
  return page(
    'Profile',
    viewer,
    `<h1>Your Neverlose profile</h1>${avatar}<dl>
      ${row('profile-username', 'Username', user.username)}
      ${row('profile-email', 'Email', user.email)}
      ${row('profile-reg-date', 'Registered', user.registrationDate)}
      ${row('profile-id', 'User id', user.id)}</dl>`,
  );
}

export function ordersPage(viewer: Viewer, user: AppUser): string {
  return page(
    'Orders',
    viewer,
    `<h1 id="orders-title">Orders of ${escapeHtml(user.username ?? user.id)}</h1>
     <table id="orders"><thead><tr><th>Order</th><th>Product</th></tr></thead>
     <tbody><tr><td>A-1001</td><td>CS2, 30 days</td></tr></tbody></table>`,
  );
}

export function failurePage(status: number, code: string, message: string): string {
  const body =
    code === 'ERR_ACCESS_DENIED'
      ? '<h1 id="login-declined">You declined to sign in</h1><p>Neverlose did not share your account with this app.</p>'
      : `<h1 id="login-failed">Sign-in did not complete</h1><p>${escapeHtml(message)}</p>`;
  return page(
    'Sign-in failed',
    { user: undefined, csrf: undefined },
    `${body}<p>HTTP ${status}</p>`,
  );
}

// #region readme
// Neverlose publishes no end_session_endpoint: logging out ends your app's session, not the
// user's session at Neverlose. Log out with a POST (a link or an image can make a GET), and
// refuse one that another site made.
const APP_ORIGIN = 'https://app.example';

export async function logout(request: Request): Promise<Response> {
  if (request.method !== 'POST') {
    return new Response(null, { status: 405, headers: { allow: 'POST' } });
  }
  // CSRF: browsers send Origin with every POST, and a form on another site has its own. Add a
  // token kept in the session if some of your users' browsers leave Origin out.
  if (request.headers.get('origin') !== APP_ORIGIN) {
    return new Response('Cross-site logout refused.', { status: 403 });
  }
  // Destroy the session on the server: a copy of its cookie (another tab, a stolen one) must stop
  // working now, not when it expires. A session kept only in a sealed cookie cannot be destroyed:
  // store a per-user session version, check it on every request and bump it here.
  const sessionId = getCookie(request, 'session');
  if (sessionId !== undefined) await sessions.destroy(sessionId);
  const headers = new Headers({ location: '/' });
  headers.append('set-cookie', 'session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax');
  return new Response(null, { status: 303, headers });
}
// #endregion

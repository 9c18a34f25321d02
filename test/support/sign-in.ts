/** POSTs a form without following the redirect. */
export function postForm(url: string, form: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
}

/**
 * Clicks through the emulator's sign-in ("Sign in as <login>") and consent pages over HTTP, from
 * an authorization URL of the emulator.
 * @returns the redirect back to the application (with `code` or `error`).
 */
export async function signInAtEmulator(
  authorizationUrl: string,
  login: string,
  decision: 'allow' | 'deny' = 'allow',
): Promise<string> {
  const origin = new URL(authorizationUrl).origin;
  const signInHtml = await (await fetch(authorizationUrl)).text();
  const request = /name="request" value="([^"]+)"/.exec(signInHtml)?.[1];
  const userId = new RegExp(`name="user_id" value="(\\d+)" id="signin-user-${login}"`).exec(
    signInHtml,
  )?.[1];
  if (request === undefined || userId === undefined)
    throw new Error(`unexpected sign-in page: ${signInHtml}`);
  const consentHtml = await (
    await postForm(`${origin}/oauth2/authorize/sign-in`, { request, user_id: userId })
  ).text();
  const consentRequest = /name="request" value="([^"]+)"/.exec(consentHtml)?.[1] ?? '';
  const done = await postForm(`${origin}/oauth2/authorize/consent`, {
    request: consentRequest,
    decision,
  });
  const location = done.headers.get('location');
  if (location === null) throw new Error(`consent did not redirect (${done.status})`);
  return location;
}

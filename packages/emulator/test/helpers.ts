import { signRequest } from 'neverlose-market';
import { afterEach } from 'vitest';
import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from '../src/index.js';

export const RESELLER = { userId: 10, key: 'emulator-reseller-key' } as const;
export const SHOP = { userId: 11, key: 'emulator-shop-key' } as const;

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
});

/** Starts an emulator that is stopped after the test. */
export async function emulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const started = await startEmulator(options);
  running.push(started);
  return started;
}

/** POSTs a raw body to a market method. */
export async function postRaw(
  url: string,
  method: string,
  body: string,
  contentType: string | null = 'application/json',
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (contentType !== null) headers['content-type'] = contentType;
  const payload = contentType === null ? new Blob([body]) : body;
  const response = await fetch(`${url}/api/market/${method}`, {
    method: 'POST',
    headers,
    body: payload,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Signs a payload with the reseller's key (or another) and POSTs it. */
export async function market(
  url: string,
  method: string,
  payload: Record<string, unknown>,
  key: string = RESELLER.key,
): Promise<Record<string, unknown>> {
  const { body } = signRequest(payload, key);
  return (await postRaw(url, method, body)).json;
}

/** The failure reply of the docs. */
export const failed = (error: string) => ({ succ: false, success: false, error });
/** The success reply of the docs. */
export const ok = (extra: Record<string, unknown> = {}) => ({
  succ: true,
  success: true,
  ...extra,
});

function hiddenRequest(html: string): string {
  const match = /name="request" value="([^"]+)"/.exec(html);
  if (match === null) throw new Error(`No pending request in page:\n${html}`);
  return match[1] as string;
}

async function postForm(url: string, form: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
}

/**
 * Drives the sign-in and consent pages as a browser would: opens the authorization URL, clicks
 * "Sign in as <login>", then Allow or Deny. Returns the redirect back to the client.
 */
export async function signInThroughPages(
  emulatorUrl: string,
  authorizationUrl: string,
  login: string,
  decision: 'allow' | 'deny' = 'allow',
): Promise<string> {
  const signIn = await fetch(authorizationUrl, { redirect: 'manual' });
  const signInHtml = await signIn.text();
  if (signIn.status !== 200) {
    const location = signIn.headers.get('location');
    if (location !== null) return location;
    throw new Error(`Authorization failed (${signIn.status}): ${signInHtml}`);
  }
  const userId = new RegExp(`name="user_id" value="(\\d+)" id="signin-user-${login}"`).exec(
    signInHtml,
  )?.[1];
  if (userId === undefined) throw new Error(`No sign-in button for ${login}`);
  const consent = await postForm(`${emulatorUrl}/oauth2/authorize/sign-in`, {
    request: hiddenRequest(signInHtml),
    user_id: userId,
  });
  const consentHtml = await consent.text();
  const done = await postForm(`${emulatorUrl}/oauth2/authorize/consent`, {
    request: hiddenRequest(consentHtml),
    decision,
  });
  const location = done.headers.get('location');
  if (location === null) throw new Error(`Consent did not redirect (${done.status})`);
  return location;
}

/** A local HTTP receiver for webhooks. */
export async function webhookReceiver(statuses: number[] = []) {
  const { createServer } = await import('node:http');
  const received: { body: string; contentType: string | undefined }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ body, contentType: req.headers['content-type'] });
      res.writeHead(statuses.shift() ?? 200);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

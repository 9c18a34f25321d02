import { PassThrough } from 'node:stream';
import type { CliIo } from '@neverlose-toolkit/internal/cli';
import { signRequest } from 'neverlose-market';
import { afterEach, expect } from 'vitest';
import {
  generateSigningKey,
  type RunningEmulator,
  type SigningKey,
  type StartEmulatorOptions,
  startEmulator,
} from '../src/index.js';

export const RESELLER = { userId: 10, key: 'emulator-reseller-key' } as const;
export const SHOP = { userId: 11, key: 'emulator-shop-key' } as const;

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
});

let sharedKey: Promise<SigningKey> | undefined;

/**
 * Starts an emulator that is stopped after the test. Emulators of one test file share one RS256
 * signing key (generating one takes about 150 ms), unless the test passes its own or asks for
 * ES256.
 */
export async function emulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const alg = options.config?.settings?.idTokenAlg ?? 'RS256';
  if (options.signingKey === undefined && alg === 'RS256') {
    sharedKey ??= generateSigningKey('RS256');
    options = { ...options, signingKey: await sharedKey };
  }
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

/**
 * Exchanges a code issued to `emulator-legacy-client` (permitted `no_pkce`) for
 * `http://127.0.0.1:3000/callback`, the secret in the form, at the token endpoint `path`.
 */
export function exchangeLegacyCode(
  emulatorUrl: string,
  code: string,
  path = '/oauth2/token',
): Promise<Response> {
  return fetch(`${emulatorUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://127.0.0.1:3000/callback',
      client_id: 'emulator-legacy-client',
      client_secret: 'emulator-legacy-secret',
    }),
  });
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

/** Calls the admin API as a script does (writes carry the JSON content type, body or not). */
export async function admin(url: string, method: string, path: string, body?: unknown) {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${url}/admin/api${path}`, init);
  // Replies are checked field by field with toMatchObject; a loose type keeps the tests short.
  // biome-ignore lint/suspicious/noExplicitAny: see above
  return { status: response.status, json: (await response.json()) as any };
}

/** A stream for a CLI's output, and the text written to it so far. */
export function captured(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

/** The command line's output written to streams (stderr to the process's unless given). */
export function streamIo(
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream = process.stderr,
): CliIo {
  return { env: process.env, out: (text) => out.write(text), err: (text) => err.write(text) };
}

/**
 * Runs the CLI in-process with `args` (plus `--port 0` unless given) until its banner is out;
 * stop it with `process.emit('SIGTERM')` and await `exit`.
 */
export async function startCli(args: readonly string[]) {
  const out = captured();
  const { run } = await import('../src/cli/main.js');
  const exit = run(args.includes('--port') ? args : ['--port', '0', ...args], streamIo(out.stream));
  await expect.poll(out.text, { timeout: 10_000 }).toMatch(/listening on \S+/);
  const url = /listening on (\S+)/.exec(out.text())?.[1] ?? '';
  return { url, out, exit };
}

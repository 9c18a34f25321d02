import { request } from 'node:http';
import { authorize } from '@neverlose-toolkit/test-support/hostile-provider';
import { createNeverloseClient, type NeverloseOidcDiagnostic } from 'neverlose-oidc';
import { describe, expect, it } from 'vitest';
import { isNeverloseFailure, NeverloseStrategy } from '../src/index.js';
import { hostileProvider, testApps } from './support/app.js';
import { Browser } from './support/browser.js';

const hostile = hostileProvider();
const app = testApps(hostile);
const verify = () => {};

/** A GET with headers `fetch` would not send as they are (a Host that is not a host). */
function rawGet(
  origin: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the client option: neverlose-oidc’s options as they are, or a ready client', () => {
  it('logs in with a client made by createNeverloseClient, with no discovery of its own', async () => {
    const events: NeverloseOidcDiagnostic[] = [];
    const client = await createNeverloseClient({
      clientId: hostile().clientId,
      clientSecret: hostile().clientSecret,
      issuer: hostile().issuer,
      dangerouslyAllowInsecureHttp: true,
      onDiagnostic: (event) => events.push(event),
    });
    const strategy = new NeverloseStrategy(
      { client, callbackURL: '/auth/neverlose/callback' },
      verify,
    );
    expect(await strategy.client()).toBe(client);
    const testApp = await app({}, { client });
    const browser = new Browser();
    const providerUrl = await Browser.location(
      await browser.get(`${testApp.origin}/auth/neverlose`),
    );
    expect(await Browser.location(await browser.get(await authorize(providerUrl)))).toBe('/home');
    expect(events.filter((event) => event.type === 'oidc:discovery')).toHaveLength(1);
    expect(events.map((event) => event.type)).toContain('oidc:userinfo');
  });

  it('creates the client from its options at the first login, with their onDiagnostic', async () => {
    const events: string[] = [];
    const testApp = await app(
      {},
      { onDiagnostic: (event: NeverloseOidcDiagnostic) => events.push(event.type) },
    );
    expect(events).toEqual([]);
    const browser = new Browser();
    const providerUrl = await Browser.location(
      await browser.get(`${testApp.origin}/auth/neverlose`),
    );
    await browser.get(await authorize(providerUrl));
    expect(events[0]).toBe('oidc:discovery');
    expect(events.at(-1)).toBe('oidc:userinfo');
  });

  it('uses the client’s redirectUri when callbackURL is left out', async () => {
    const strategy = new NeverloseStrategy(
      {
        client: {
          clientId: 'app',
          clientSecret: 's',
          redirectUri: 'https://app.example/auth/neverlose/callback',
        },
      },
      verify,
    );
    expect(strategy.name).toBe('neverlose');
  });

  it.each([
    [
      { client: { clientId: '' }, callbackURL: '/cb' },
      /"client\.clientId": must be a non-empty string/,
    ],
    [{ client: { clientId: 'app', scopes: ['profile'] }, callbackURL: '/cb' }, /"client\.scopes"/],
    [
      { client: { clientId: 'app' } },
      /"callbackURL": required when "client\.redirectUri" is not set/,
    ],
    [
      { client: { clientId: 'app' }, callbackURL: '/cb', scope: 'openid' },
      /"scope": is not an option of NeverloseStrategy/,
    ],
    [
      { client: { clientId: 'app' }, callbackURL: '/cb', clientID: 'app' },
      /"clientID": is not an option/,
    ],
    [
      { client: 'app', callbackURL: '/cb' },
      /"client": must be a client made by createNeverloseClient/,
    ],
    [{ callbackURL: '/cb' }, /requires the "client" option/],
  ])('refuses bad options at construction, naming the field: %j', (options, message) => {
    expect(() => new NeverloseStrategy(options as never, verify)).toThrowError(message);
  });

  it('requires callbackURL with a ready client that has no redirectUri', async () => {
    const client = await createNeverloseClient({
      clientId: hostile().clientId,
      issuer: hostile().issuer,
      dangerouslyAllowInsecureHttp: true,
    });
    expect(() => new NeverloseStrategy({ client }, verify)).toThrowError(
      /"callbackURL": required when the client has no redirectUri/,
    );
  });
});

describe('a login request whose host is not a host', () => {
  it.each([
    'a b',
    'user@app.example',
    'app.example/path',
    'app.example:99999',
    '[::1',
    'app.example:x',
  ])('answers 400 ERR_REQUEST_INVALID for Host %j, and the app stays up', async (host) => {
    const testApp = await app({ customCallback: true });
    const response = await rawGet(testApp.origin, '/auth/neverlose', { host });
    expect(response.status).toBe(400);
    const info: unknown = JSON.parse(response.body);
    expect(isNeverloseFailure(info) && info.code).toBe('ERR_REQUEST_INVALID');
    expect(response.body).not.toContain(host);
    const ok = await new Browser().get(`${testApp.origin}/auth/neverlose`);
    expect(ok.status).toBe(302);
  });

  it('answers 400 for an X-Forwarded-Host that is not a host, with the proxy option', async () => {
    const testApp = await app({ customCallback: true }, { proxy: true });
    const response = await new Browser({ 'x-forwarded-host': 'evil.example/x?' }).get(
      `${testApp.origin}/auth/neverlose`,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'ERR_REQUEST_INVALID',
      message: expect.stringContaining('X-Forwarded-Host'),
    });
  });

  it('accepts an IPv6 host and a port', async () => {
    const testApp = await app({ customCallback: true });
    const response = await rawGet(testApp.origin, '/auth/neverlose', { host: '[::1]:8443' });
    expect(response.status).toBe(302);
  });
});

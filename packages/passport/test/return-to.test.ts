import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  authorize,
  startProvider,
  type TestProvider,
} from '@neverlose-toolkit/test-support/hostile-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectToReturnTo } from '../src/index.js';
import { startApp, strategyFor, type TestApp } from './support/app.js';
import { Browser, toCallback } from './support/browser.js';

/** A same-origin path of printable ASCII: what a Location header may carry after login. */
const SAFE_LOCATION = /^\/(?![/\\])[\x21-\x7e]*$/;

/** Hostile returnTo values and how they travel in the login link's query. */
const HOSTILE: readonly (readonly [name: string, query: string])[] = [
  ['a character above U+00FF', encodeURIComponent('/\u0100')],
  ['CJK text', encodeURIComponent('/\u4e2d\u6587?q=\u6587')],
  ['an emoji (a surrogate pair)', encodeURIComponent('/\ud83d\ude00')],
  ['a lone high surrogate, WTF-8 encoded', '%2F%ED%A0%80'],
  ['U+2028', encodeURIComponent('/a\u2028b')],
  ['U+2029', encodeURIComponent('/a\u2029b')],
  ['a C1 control (NEL)', encodeURIComponent('/\u0085')],
  ['a C1 control (CSI)', encodeURIComponent('/\u009b')],
  ['NUL', encodeURIComponent('/\u0000')],
  ['DEL', encodeURIComponent('/\u007f')],
  ['CR LF and a header', encodeURIComponent('/a\r\nSet-Cookie: x=1')],
  ['a tab', encodeURIComponent('/\t/evil.example')],
  ['an encoded CR LF', encodeURIComponent('/%0d%0aSet-Cookie:x=1')],
  ['encoded slashes', encodeURIComponent('/%2F%2Fevil.example')],
  ['an encoded percent sign', encodeURIComponent('/%252F')],
  ['an encoded C1 control', encodeURIComponent('/%C2%85')],
  ['a stray percent sign', encodeURIComponent('/100%')],
  ['a protocol-relative URL', encodeURIComponent('//evil.example')],
  ['a backslash', encodeURIComponent('/\\evil.example')],
  ['fullwidth solidi', encodeURIComponent('/\uff0f\uff0fevil.example')],
  ['markup', encodeURIComponent('/"><script>alert(1)</script>')],
  ['a long value of multibyte text', encodeURIComponent(`/${'\u00e9'.repeat(1500)}`)],
  ['a very long value', encodeURIComponent(`/${'a'.repeat(10_000)}`)],
  ['a value given twice', `${encodeURIComponent('/a')}&returnTo=${encodeURIComponent('/b')}`],
  ['a nested value', `[x]=${encodeURIComponent('/a')}`],
];

let provider: TestProvider;
let testApp: TestApp;

beforeAll(async () => {
  provider = await startProvider();
  // The custom-callback shape of the express-passport example: the final redirect runs inside
  // req.logIn's callback, where a throw would be an uncaught exception.
  testApp = await startApp({ strategy: strategyFor(provider), customCallback: true });
});
afterAll(async () => {
  await testApp?.close();
  await provider?.close();
});

describe('a hostile returnTo in the login link, through Passport in Express', () => {
  it.each(HOSTILE)(
    'answers %s with 400 or a safe redirect, and the app stays up',
    async (_, query) => {
      const browser = new Browser();
      const start = await browser.get(`${testApp.origin}/auth/neverlose?returnTo=${query}`);
      if (start.status === 400) {
        expect(await start.json()).toMatchObject({ code: 'ERR_RETURN_TO_INVALID' });
      } else {
        const done = await browser.get(await authorize(await Browser.location(start)));
        expect(done.status).toBe(302);
        expect(done.headers.get('location')).toMatch(SAFE_LOCATION);
      }
      expect((await browser.get(`${testApp.origin}/whoami`)).status).toBe(200);
    },
  );

  it('returns to a non-ASCII path, percent-encoded once', async () => {
    const browser = new Browser();
    const link = `${testApp.origin}/auth/neverlose?returnTo=${encodeURIComponent('/caf\u00e9/\u0100?q=a b')}`;
    const done = await browser.get(await toCallback(browser, link));
    expect(done.headers.get('location')).toBe('/caf%C3%A9/%C4%80?q=a%20b');
  });
});

describe('redirectToReturnTo', () => {
  async function serve(
    handler: (req: IncomingMessage & { authInfo?: unknown }, res: ServerResponse) => void,
  ): Promise<{ origin: string; close(): Promise<void> }> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      origin: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  }

  it.each([
    ['/\u0100', '/%C4%80'],
    ['/\u2028', '/%E2%80%A8'],
    ['/\ud800', '/home'],
    ['/a\r\nx: y', '/home'],
    ['//evil.example', '/home'],
    [{ toString: (): string => '/x' }, '/home'],
    [undefined, '/home'],
  ])('redirects a returnTo of %j to %j without throwing', async (returnTo, location) => {
    const server = await serve((req, res) => {
      req.authInfo = { returnTo };
      redirectToReturnTo('/home')(req, res);
    });
    try {
      const response = await fetch(server.origin, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(location);
    } finally {
      await server.close();
    }
  });

  it('only ends a response that has already started', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('already answered');
      req.authInfo = { returnTo: '/next' };
      redirectToReturnTo()(req, res);
    });
    try {
      const response = await fetch(server.origin, { redirect: 'manual' });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('already answered');
    } finally {
      await server.close();
    }
  });

  it('refuses a fallback that is not a same-origin path when it is created', () => {
    for (const fallback of ['//evil.example', 'https://evil.example/', 'home']) {
      expect(() => redirectToReturnTo(fallback)).toThrowError(
        expect.objectContaining({
          code: 'ERR_INVALID_ARGUMENT',
          message: expect.stringContaining('"fallback"'),
        }),
      );
    }
  });
});

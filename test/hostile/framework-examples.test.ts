import { connect } from 'node:net';
import { buildExample, isBuilt } from 'neverlose-example-nextjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attack } from './probe.js';
import { Supervised } from './process.js';
import { emulatorProcess } from './targets/emulator.js';
import {
  AUTHJS_EXPRESS,
  BETTER_AUTH,
  frameworkExampleRoutes,
  NEXTJS,
} from './targets/framework-examples.js';
import {
  type LoginExample,
  loginExampleProcess,
  registerCallback,
} from './targets/login-examples.js';

/** The route of each example that starts a login with a POST: its framework reads the body. */
const SIGN_IN_POST: Record<string, string> = {
  [BETTER_AUTH.name]: '/api/auth/sign-in/social',
  [AUTHJS_EXPRESS.name]: '/auth/signin/neverlose',
  [NEXTJS.name]: '/api/auth/signin/neverlose',
};

/**
 * POSTs a chunked body that never ends (64 KiB chunks, as fast as the app takes them) until the
 * app answers: its status, and how many bytes had been sent by then. An app that reads the body
 * whole never answers, and the sending stops at `cap` (a failure).
 */
function endlessPost(
  url: string,
  path: string,
  contentType: string,
  cap = 64 * 1024 * 1024,
): Promise<{ status: number; sent: number }> {
  const { hostname, port } = new URL(url);
  const chunk = Buffer.concat([
    Buffer.from(`10000\r\n`),
    Buffer.alloc(0x10000, 0x61),
    Buffer.from('\r\n'),
  ]);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let sent = 0;
    let answered = false;
    let head = '';
    socket.on('data', (data: Buffer) => {
      head += data.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      if (status === undefined || answered) return;
      answered = true;
      socket.destroy();
      resolve({ status: Number(status), sent });
    });
    // An app that answers and closes makes the next write fail (EPIPE): its answer still counts.
    let failure: Error | undefined;
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => {
      if (!answered) reject(failure ?? new Error(`closed without an answer after ${sent} bytes`));
    });
    socket.on('connect', async () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nOrigin: ${url}\r\n` +
          `Content-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      while (!answered && !socket.destroyed && failure === undefined && sent < cap) {
        sent += chunk.length;
        if (!socket.write(chunk)) await new Promise((done) => socket.once('drain', done));
      }
      if (!answered && failure === undefined && sent >= cap)
        reject(new Error(`no answer after ${sent} bytes: the body is read whole`));
    });
  });
}

describe.each([BETTER_AUTH, AUTHJS_EXPRESS, NEXTJS])(
  'hostile input against the $name example',
  (example: LoginExample) => {
    let emulator: Supervised;
    let app: Supervised;

    beforeAll(async () => {
      // `next build` once, when no production build is there (about 20 s of two cores).
      if (example === NEXTJS && !isBuilt()) await buildExample();
      emulator = await Supervised.start(emulatorProcess());
      app = await Supervised.start(loginExampleProcess(example, emulator.url));
      await registerCallback(emulator.url, `${app.url}${example.callbackPath}`);
    }, 300_000);
    afterAll(async () => {
      await app?.stop();
      await emulator?.stop();
    });

    it('answers every route of the app and of its framework below 500, and stays up', async () => {
      const routes = await frameworkExampleRoutes(app.url, example);
      expect(await attack(app, routes)).toEqual([]);
      expect(app.exits).toEqual([]);
    }, 600_000);

    it.each(['application/json', 'application/x-www-form-urlencoded'])(
      'refuses an endless %s body to its sign-in route with 4xx before it ends',
      async (contentType) => {
        const { status, sent } = await endlessPost(
          app.url,
          SIGN_IN_POST[example.name] as string,
          contentType,
        );
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        expect(sent).toBeLessThan(64 * 1024 * 1024);
        expect(app.exits).toEqual([]);
      },
    );
  },
);

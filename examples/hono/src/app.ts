import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp, type HonoExampleStores } from './hono-app.js';

/** Options of {@link startExample}. Nothing is read from the environment here. */
export interface HonoExampleOptions extends HonoExampleStores {
  /** The OAuth client id. */
  readonly clientId: string;
  /** The OAuth client secret; absent for a public client. */
  readonly clientSecret?: string;
  /** The identity provider. @defaultValue `'https://neverlose.cc'` */
  readonly issuer?: string;
  /** Seals the login and session cookies: at least 32 random bytes, the same on every instance. */
  readonly sessionSecret: string;
  /** Port to listen on; `0` picks a free one. @defaultValue `0` */
  readonly port?: number;
  /** Interface to listen on. @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /**
   * The app's origin as the browser sees it: the redirect URI, every redirect and the cookies
   * (`Secure` and `__Host-` on https) come from it. @defaultValue `http://<host>:<port>`
   */
  readonly publicUrl?: string;
  /** Permit `http:` provider URLs: the local emulator only. @defaultValue `false` */
  readonly dangerouslyAllowInsecureHttp?: boolean;
  /** Where unexpected errors are reported. @defaultValue `console.error` */
  readonly onError?: (error: unknown) => void;
}

/** A running example. */
export interface RunningExample {
  /** Where it listens, such as `http://127.0.0.1:3003` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

/** Where Neverlose sends the browser back to. Register `<publicUrl>/auth/neverlose/callback`. */
export const CALLBACK_PATH = '/auth/neverlose/callback';

/** Starts the Hono app on Node with `@hono/node-server`. */
export async function startExample(options: HonoExampleOptions): Promise<RunningExample> {
  const host = options.host ?? '127.0.0.1';
  let publicUrl = options.publicUrl;
  const app = createApp(
    () => ({
      client: {
        clientId: options.clientId,
        ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
        issuer: options.issuer ?? 'https://neverlose.cc',
        ...(options.dangerouslyAllowInsecureHttp ? { dangerouslyAllowInsecureHttp: true } : {}),
      },
      publicUrl: publicUrl as string,
      sessionSecret: options.sessionSecret,
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    }),
    options,
  );
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  publicUrl = (publicUrl ?? url).replace(/\/+$/, '');
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The part of Next's programmatic server this wrapper uses. */
interface NextServer {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
}

// Loaded with require and typed here: importing 'next' would also load its global types (such as
// a required NODE_ENV) into every program that imports this example, the tests included.
const next = createRequire(import.meta.url)('next') as (options: {
  dev: boolean;
  dir: string;
  hostname: string;
  port: number;
  quiet?: boolean;
}) => NextServer;

/** Options of {@link startExample}. Nothing is read from the environment here. */
export interface NextExampleOptions {
  /** The OAuth client id. */
  readonly clientId: string;
  /** The OAuth client secret. */
  readonly clientSecret: string;
  /** The identity provider. @defaultValue `'https://neverlose.cc'` */
  readonly issuer?: string;
  /** Encrypts next-auth's session cookie (`NEXTAUTH_SECRET`): at least 32 random characters. */
  readonly sessionSecret: string;
  /** Port to listen on; `0` picks a free one. @defaultValue `0` */
  readonly port?: number;
  /** Interface to listen on. @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /** The app's origin as the browser sees it (`NEXTAUTH_URL`). @defaultValue `http://<host>:<port>` */
  readonly publicUrl?: string;
  /** Permit `http:` provider URLs: the local emulator only. @defaultValue `false` */
  readonly dangerouslyAllowInsecureHttp?: boolean;
  /** Where unexpected errors are reported. @defaultValue `console.error` */
  readonly onError?: (error: unknown) => void;
}

/** A running example. */
export interface RunningExample {
  /** Where it listens, such as `http://127.0.0.1:3005` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * True for a request target Next can route: a path (not `*`, `//host` or an absolute URL) whose
 * percent-escapes decode. Next answers 500 to the others; this server answers 400.
 */
function isRoutablePath(target: string | undefined): boolean {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return false;
  try {
    decodeURIComponent(target.split('?')[0] as string);
    return URL.canParse(target, 'http://app.invalid');
  } catch {
    return false;
  }
}

/** Where Neverlose sends the browser back to (next-auth's route). */
export const CALLBACK_PATH = '/api/auth/callback/neverlose';

/** The example's folder: the Next.js project. */
export const exampleDir = fileURLToPath(new URL('..', import.meta.url));

/** True once `next build` has produced a production build. */
export function isBuilt(): boolean {
  return existsSync(`${exampleDir}/.next/BUILD_ID`);
}

/** Held while a process runs `next build` here: Next refuses a second build of the same folder. */
const buildLock = `${exampleDir}/.next-build.lock`;
/** A lock older than this was left by a process that died mid-build. */
const STALE_LOCK_MS = 10 * 60_000;

/**
 * Runs `next build` (a minute or more on two cores): once, before {@link startExample}. Processes
 * that call it at the same time build once: the others wait for that build and use it.
 */
export async function buildExample(): Promise<void> {
  const asked = Date.now();
  while (!takeBuildLock()) {
    await delay(250);
    if (!existsSync(buildLock) && builtSince(asked)) return;
  }
  try {
    await runNextBuild();
  } finally {
    rmSync(buildLock, { recursive: true, force: true });
  }
}

function takeBuildLock(): boolean {
  try {
    mkdirSync(buildLock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const held = statSync(buildLock, { throwIfNoEntry: false });
    if (held !== undefined && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
      rmSync(buildLock, { recursive: true, force: true });
    }
    return false;
  }
}

/** True when a production build finished at or after `time` (ms since the epoch). */
function builtSince(time: number): boolean {
  const built = statSync(`${exampleDir}/.next/BUILD_ID`, { throwIfNoEntry: false });
  return built !== undefined && built.mtimeMs >= time;
}

function runNextBuild(): Promise<void> {
  const bin = fileURLToPath(import.meta.resolve('next/dist/bin/next'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'build'], {
      cwd: exampleDir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`next build failed (${code}):\n${output}`)),
    );
  });
}

/**
 * Starts the production build on `node:http`. next-auth reads its configuration from the
 * environment: this sets it for this process (one example per process).
 */
export async function startExample(options: NextExampleOptions): Promise<RunningExample> {
  if (typeof options.sessionSecret !== 'string' || options.sessionSecret.length < 32) {
    throw new Error('Invalid option "sessionSecret": must be a string of at least 32 characters.');
  }
  if (!isBuilt()) {
    throw new Error(
      'The Next.js example is not built: run `pnpm --filter neverlose-example-nextjs build:next`.',
    );
  }
  const host = options.host ?? '127.0.0.1';
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;

  Object.assign(process.env, {
    NEXT_TELEMETRY_DISABLED: '1',
    NEXTAUTH_URL: (options.publicUrl ?? url).replace(/\/+$/, ''),
    NEXTAUTH_SECRET: options.sessionSecret,
    NEVERLOSE_CLIENT_ID: options.clientId,
    NEVERLOSE_CLIENT_SECRET: options.clientSecret,
    NEVERLOSE_ISSUER: options.issuer ?? 'https://neverlose.cc',
    NEVERLOSE_ALLOW_INSECURE_HTTP: options.dangerouslyAllowInsecureHttp ? '1' : '',
  });
  const app = next({ dev: false, dir: exampleDir, hostname: host, port, quiet: true });
  try {
    await app.prepare();
  } catch (error) {
    server.close();
    throw error;
  }
  const handle = app.getRequestHandler();
  server.on('request', (req, res) => {
    if (!isRoutablePath(req.url)) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The request target is not a path.');
      return;
    }
    handle(req, res).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

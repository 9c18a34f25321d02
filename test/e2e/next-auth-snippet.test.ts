import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import { locationOf, UserAgent } from '@neverlose-toolkit/test-support/user-agent';
import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEXT_APP_FILES, NEXT_AUTH_README_FILES } from '../support/next-app.js';
import { repoRoot } from '../support/packed.js';
import type { Program } from '../support/program.js';
import { createReadmeApp, type ReadmeApp, readmeFile } from '../support/readme-app.js';
import { signInAtEmulator } from '../support/sign-in.js';

// neverlose-oidc's next-auth snippets, cut out of README.md, in the smallest Next.js App Router
// app that holds them: auth.ts and app/api/auth/[...nextauth]/route.ts as the README shows them,
// a root layout and a page that prints `currentUser()`. `next build` runs without any secret (as a
// Docker or CI build does), then `next start` with them; alice signs in at neverlose-emulator.
// Under the app folder (test/test-results, ignored by git): Next's bundler wants the packages it
// links inside the workspace.
const README = 'packages/oidc/README.md';
const run = promisify(execFile);

let emulator: RunningEmulator;
let app: ReadmeApp;
let server: Program | undefined;

const NEXT_BIN = 'node_modules/next/dist/bin/next';

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  app = createReadmeApp('next-auth', { parent: join(repoRoot, 'test/test-results/readme-apps') });
  for (const [file, block] of Object.entries(NEXT_AUTH_README_FILES))
    app.write(file, readmeFile(README, block));
  for (const [file, text] of Object.entries(NEXT_APP_FILES)) app.write(file, text);
  app.link([
    'next',
    'next-auth',
    'react',
    'react-dom',
    'neverlose-oidc',
    'typescript',
    '@types/react',
    '@types/node',
  ]);
  // `next build` with no secret set: the provider checks its options at first use.
  await run(process.execPath, [NEXT_BIN, 'build'], {
    cwd: app.dir,
    env: { PATH: process.env['PATH'] ?? '', NEXT_TELEMETRY_DISABLED: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
}, 600_000);

afterAll(async () => {
  await server?.stop();
  app?.remove();
  await emulator?.stop();
});

describe("neverlose-oidc's README next-auth snippets in a Next.js app", () => {
  it('builds without secrets, then signs alice in against the emulator', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    emulator.reset(defaultConfig({ redirectUris: [`${origin}/api/auth/callback/neverlose`] }));
    server = await app.start(NEXT_BIN, {
      env: {
        NEXT_TELEMETRY_DISABLED: '1',
        NEXTAUTH_URL: origin,
        NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
        NEVERLOSE_CLIENT_ID: 'emulator-client',
        NEVERLOSE_CLIENT_SECRET: 'emulator-secret',
        NEVERLOSE_ISSUER: emulator.url,
        NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
      },
      port,
      args: ['start', '-p', String(port), '-H', '127.0.0.1'],
    });
    const browser = new UserAgent();
    expect(await (await browser.get(`${origin}/`)).text()).toContain('Signed out');

    const { csrfToken } = (await (await browser.get(`${origin}/api/auth/csrf`)).json()) as {
      csrfToken: string;
    };
    const signIn = await browser.request(`${origin}/api/auth/signin/neverlose`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${origin}/` }).toString(),
    });
    const authorization = await locationOf(signIn);
    expect(new URL(authorization).origin).toBe(emulator.url);
    const callback = await signInAtEmulator(authorization, 'alice');
    expect(await locationOf(await browser.get(callback))).toBe(`${origin}/`);
    expect(await (await browser.get(`${origin}/`)).text()).toContain('Signed in as alice');
  });
});

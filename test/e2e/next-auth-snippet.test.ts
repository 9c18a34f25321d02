import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationOf, UserAgent } from '../providers/user-agent.js';
import { repoRoot } from '../support/packed.js';
import { freePort } from '../support/ports.js';
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
  app.write('auth.ts', readmeFile(README, 'next-auth.ts'));
  app.write('app/api/auth/[...nextauth]/route.ts', readmeFile(README, 'next-auth-route.ts'));
  app.write(
    'app/layout.tsx',
    "import type { ReactNode } from 'react';\n\n" +
      'export default function Layout({ children }: { children: ReactNode }) {\n' +
      '  return (<html lang="en"><body>{children}</body></html>);\n}\n',
  );
  app.write(
    'app/page.tsx',
    "import { currentUser } from '@/auth';\n\n" +
      "export const dynamic = 'force-dynamic';\n\n" +
      'export default async function Home() {\n' +
      '  const user = await currentUser();\n' +
      "  return <p id=\"user\">{user ? 'Signed in as ' + user.username : 'Signed out'}</p>;\n}\n",
  );
  app.write(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['dom', 'dom.iterable', 'esnext'],
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        module: 'esnext',
        moduleResolution: 'bundler',
        jsx: 'react-jsx',
        isolatedModules: true,
        paths: { '@/*': ['./*'] },
      },
      include: ['**/*.ts', '**/*.tsx'],
    }),
  );
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

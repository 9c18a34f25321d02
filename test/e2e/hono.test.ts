import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import { startExample } from 'neverlose-example-hono';
import { repoRoot } from '../support/packed.js';
import { describeFrameworkLogin, type FrameworkExample } from './framework-logins.js';
import { emulatorOptions } from './login-examples.js';
import { startServerProcess } from './server-process.js';

// One journey, three runtimes: Node (@hono/node-server, in this process), workerd (the Workers
// runtime, through Miniflare, the Workers entry bundled for a Web platform and run without
// nodejs_compat) and Bun. The Node 22 that Miniflare needs and Bun are devDependencies of the
// example: their binaries are found from there.
const EXAMPLE = join(repoRoot, 'examples', 'hono');
const fromExample = createRequire(join(EXAMPLE, 'package.json'));
const binary = (pkg: string, path: string) =>
  join(dirname(fromExample.resolve(`${pkg}/package.json`)), path);

const JOURNEY = {
  callbackPath: '/auth/neverlose/callback',
  logoutPath: '/auth/neverlose/logout',
  failure: 'direct',
} as const satisfies Partial<FrameworkExample>;

/** The environment of src/worker.ts, as Workers bindings or Bun's process.env hold it. */
async function workerEnv(issuer: string, sessionSecret: string) {
  const port = await freePort();
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    NEVERLOSE_ISSUER: issuer,
    NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
    NEVERLOSE_CLIENT_ID: 'emulator-client',
    NEVERLOSE_CLIENT_SECRET: 'emulator-secret',
    SESSION_SECRET: sessionSecret,
  };
}

describeFrameworkLogin({
  ...JOURNEY,
  name: 'hono',
  start: (issuer, sessionSecret) => startExample(emulatorOptions(issuer, sessionSecret)),
});

describeFrameworkLogin({
  ...JOURNEY,
  name: 'hono-workerd',
  start: async (issuer, sessionSecret) =>
    startServerProcess({
      name: 'the hono example on workerd',
      command: binary('node', 'bin/node'),
      args: ['scripts/workerd.mjs'],
      cwd: EXAMPLE,
      env: await workerEnv(issuer, sessionSecret),
    }),
});

describeFrameworkLogin({
  ...JOURNEY,
  name: 'hono-bun',
  start: async (issuer, sessionSecret) =>
    startServerProcess({
      name: 'the hono example on Bun',
      command: binary('bun', 'bin/bun.exe'),
      args: ['run', 'src/bun.ts'],
      cwd: EXAMPLE,
      env: await workerEnv(issuer, sessionSecret),
    }),
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createSealedCookieCodec } from '../src/index.js';

const run = promisify(execFile);

// The root entry must run on every runtime with the Fetch API and Web Crypto (Node, Bun, Deno,
// Cloudflare Workers without nodejs_compat): no `node:` import, no Node global. These tests
// read the built output, as a bundler or a runtime would (`pnpm build` first).
const entry = join(import.meta.dirname, '..', 'dist', 'index.js');

/** Bundles `entry` for no platform in particular: a Node builtin cannot be resolved there. */
function bundle(
  input: { entryPoints: string[] } | { stdin: { contents: string } },
  format: 'iife' | 'esm' = 'iife',
) {
  return build({
    ...input,
    bundle: true,
    platform: 'neutral',
    format,
    write: false,
    logLevel: 'silent',
    absWorkingDir: join(import.meta.dirname, '..'),
  });
}

/**
 * Runs `script` (an ES module) in a fresh Node process that first deletes every global a Web
 * runtime (a Cloudflare Worker, a browser) does not have: `process`, `Buffer`, `global`,
 * `setImmediate`... What is left is the Web platform: `crypto`, `fetch`, `URL`, `TextEncoder`.
 * The script reports with `report(value)`.
 */
async function runWebOnly(script: string): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'neverlose-web-'));
  try {
    writeFileSync(join(dir, 'entry.mjs'), await bundledEntry('esm'));
    writeFileSync(join(dir, 'script.mjs'), script);
    const runner = `
      const write = process.stdout.write.bind(process.stdout);
      globalThis.report = (value) => write(JSON.stringify(value));
      // Node loads its fetch implementation on first use, with Node globals: load it now.
      void [fetch, Request, Response, Headers, FormData];
      for (const name of ['process', 'Buffer', 'global', 'setImmediate', 'clearImmediate']) {
        delete globalThis[name];
      }
      await import(${JSON.stringify(pathToFileURL(join(dir, 'script.mjs')).href)});`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', runner], {
      cwd: dir,
    });
    return JSON.parse(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const bundled = new Map<string, Promise<string>>();
/** The root entry as one file for a Web runtime. */
function bundledEntry(format: 'iife' | 'esm' = 'iife'): Promise<string> {
  let text = bundled.get(format);
  if (text === undefined) {
    text = bundle({ entryPoints: [entry] }, format).then(
      (result) => result.outputFiles[0]?.text ?? '',
    );
    bundled.set(format, text);
  }
  return text;
}

describe('the neverlose-oidc root entry on Web runtimes', () => {
  it('bundles for a neutral platform, where an import of a Node builtin fails the build', async () => {
    expect((await bundledEntry()).length).toBeGreaterThan(0);
    // The check works: the same build refuses a module that imports a Node builtin.
    await expect(
      bundle({ stdin: { contents: "import { hkdfSync } from 'node:crypto'; hkdfSync();" } }),
    ).rejects.toThrow(/node:crypto/);
  });

  it('seals and opens a transaction and starts a login with Web APIs only', async () => {
    const result = await runWebOnly(`
      import * as oidc from './entry.mjs';
      const events = [];
      const client = await oidc.createNeverloseClient({
        onDiagnostic: (event) => events.push(event.type),
        clientId: 'app',
        clientSecret: 'secret',
        redirectUri: 'https://app.example/callback',
        endpoints: { ...oidc.LEGACY_ENDPOINTS, jwks: 'https://auth2.neverlose.cc/oauth/jwks' },
      });
      const { url, transaction, binding } = await client.startAuthorization({ returnTo: '/café' });
      const codec = oidc.createSealedCookieCodec({ secret: 'kJ3vN8pQ2xW7rT5yL1mZ9cF4hB6dG0sA' });
      const sealed = await codec.seal({ transaction, binding });
      const opened = await codec.open(sealed);
      const s256 = async (text) => {
        const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
        const base64 = btoa(String.fromCharCode(...bytes));
        return base64.replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
      };
      let refused;
      try { await codec.open(sealed.slice(0, -2) + 'AA'); } catch (error) { refused = error.code; }
      report({
        state: url.searchParams.get('state') === transaction.state,
        method: url.searchParams.get('code_challenge_method'),
        nonce: typeof transaction.nonce,
        same: JSON.stringify(opened) === JSON.stringify({ transaction, binding }),
        returnTo: opened.transaction.returnTo,
        challenge: url.searchParams.get('code_challenge') === (await s256(transaction.codeVerifier)),
        bindingHash: transaction.bindingHash === (await s256(binding)),
        refused,
        events,
        globals: [typeof process, typeof Buffer, typeof setImmediate],
      });`);
    expect(result).toEqual({
      state: true,
      method: 'S256',
      nonce: 'string',
      same: true,
      returnTo: '/caf%C3%A9',
      challenge: true,
      bindingHash: true,
      refused: 'ERR_TRANSACTION_MISSING',
      events: ['oidc:discovery', 'oidc:authorization-started'],
      globals: ['undefined', 'undefined', 'undefined'],
    });
  });

  it('opens a cookie sealed on Node.js (the same HKDF key on every runtime)', async () => {
    const secret = 'kJ3vN8pQ2xW7rT5yL1mZ9cF4hB6dG0sA';
    const transaction = {
      v: 1,
      state: 'state-1',
      issuer: 'https://neverlose.cc',
      clientId: 'app',
      redirectUri: 'https://app.example/callback',
      scope: 'openid',
      createdAt: Date.now(),
      expiresAt: Date.now() + 60_000,
      bindingHash: 'the-hash-of-the-binding',
    } as const;
    const login = { transaction, binding: 'the-binding' };
    const sealed = await createSealedCookieCodec({ secret }).seal(login);
    const result = await runWebOnly(`
      import * as oidc from './entry.mjs';
      const codec = oidc.createSealedCookieCodec({ secret: ${JSON.stringify(secret)} });
      report(await codec.open(${JSON.stringify(sealed)}));`);
    expect(result).toEqual(login);
  });
});

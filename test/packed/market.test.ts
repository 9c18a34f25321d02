import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installPacked,
  NODE_TEST_API,
  type PackedProject,
  portableMarketEntries,
  repoRoot,
  run,
  spawnNode,
} from '../support/packed.js';

const purchase =
  '{"kind": "purchase", "amount": 0.9, "username": "A49", "unique_id": 89968, "item_id": "E3yugw", "signature": "dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560"}';
const docsSignature = 'dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560';

let project: PackedProject;

beforeAll(async () => {
  project = await installPacked(['market']);
});
afterAll(() => project?.remove());

describe('neverlose-market installed from its packed tarball', () => {
  it('works from import()', async () => {
    const result = await project.node(
      'esm.mjs',
      `import { signPayload, verifySignature, isNeverloseMarketError } from 'neverlose-market';
       let code;
       try { signPayload('[1]', 'k'); } catch (error) { code = isNeverloseMarketError(error) && error.code; }
       console.log(JSON.stringify({
         signature: signPayload({ amount: 0.9, username: 'A49', unique_id: 89968, item_id: 'E3yugw' }, 'key'),
         valid: verifySignature(${JSON.stringify(purchase)}, 'key'),
         code,
       }));`,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      signature: docsSignature,
      valid: true,
      code: 'ERR_SIGNING_NOT_AN_OBJECT',
    });
  });

  it('works from require()', async () => {
    const result = await project.node(
      'cjs.cjs',
      `const market = require('neverlose-market');
       console.log(JSON.stringify({
         signature: market.signPayload({ amount: 0.9, username: 'A49', unique_id: 89968, item_id: 'E3yugw' }, 'key'),
         valid: market.verifySignature(${JSON.stringify(purchase)}, 'key'),
         errorClass: typeof market.SigningError,
       }));`,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      signature: docsSignature,
      valid: true,
      errorClass: 'function',
    });
  });

  it('recognises errors thrown by the other module format', async () => {
    const result = await project.node(
      'dual.mjs',
      `import { createRequire } from 'node:module';
       import { isNeverloseMarketError } from 'neverlose-market';
       const cjs = createRequire(import.meta.url)('neverlose-market');
       try { cjs.signPayload({ a: NaN }, 'k'); } catch (error) { console.log(isNeverloseMarketError(error), error.code); }`,
    );
    expect(result.stdout.trim()).toBe('true ERR_SIGNING_UNSUPPORTED_VALUE');
  });

  it('ships types that a NodeNext TypeScript consumer compiles against', async () => {
    await project.node(
      'consumer.mts',
      `import { signPayload, verifySignature, type SigningErrorCode } from 'neverlose-market';
       const code: SigningErrorCode = 'ERR_SIGNATURE_MISSING';
       const signature: string = signPayload({ user_id: 1 }, 'k');
       const valid: boolean = verifySignature('{}', 'k', { strict: true });
       export { code, signature, valid };`,
    );
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await spawnNode(project.dir, [
      tsc,
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--skipLibCheck',
      'false',
      '--types',
      'node',
      '--typeRoots',
      join(repoRoot, 'node_modules', '@types'),
      'consumer.mts',
    ]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('installs the nl-market bin: sign prints the signature, verify exits 0, 1 and 2', async () => {
    const bin = join(project.dir, 'node_modules', '.bin', 'nl-market');
    const sign = await spawnNode(project.dir, ['sign'], {
      command: bin,
      input: '{"amount": 0.9, "username": "A49", "unique_id": 89968, "item_id": "E3yugw"}',
      env: { NEVERLOSE_API_KEY: 'key' },
    });
    expect(sign).toMatchObject({ code: 0, stdout: `${docsSignature}\n` });
    const valid = await spawnNode(project.dir, ['verify', '--secret', 'key'], {
      command: bin,
      input: purchase,
    });
    expect(valid).toMatchObject({ code: 0, stdout: 'valid\n' });
    const invalid = await spawnNode(project.dir, ['verify', '--secret', 'nope'], {
      command: bin,
      input: purchase,
    });
    expect(invalid).toMatchObject({ code: 1, stdout: 'invalid\n' });
    const bad = await spawnNode(project.dir, ['verify', '--secret', 'key'], {
      command: bin,
      input: 'nope',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

/** Every entry, with a name each must export. */
const ENTRIES: Readonly<Record<string, readonly string[]>> = {
  'neverlose-market': ['signPayload', 'MarketClient', 'verifyWebhook', 'isNeverloseMarketError'],
  'neverlose-market/signing': ['signPayload', 'verifySignature', 'signRequest', 'SigningError'],
  'neverlose-market/webhooks': [
    'verifyWebhook',
    'createWebhookHandler',
    'createNodeWebhookHandler',
    'createExpressWebhookRouter',
    'MemoryWebhookDedupStore',
    'WebhookError',
  ],
  'neverlose-market/reseller': [
    'verifyResellerToken',
    'MemorySingleUseTokenStore',
    'ResellerTokenError',
  ],
  'neverlose-market/client': ['MarketClient', 'MarketApiError', 'keyRequestId', 'PLANS'],
  'neverlose-market/prices': ['ResellerPricesBuilder', 'checkResellerPrices', 'startPriceSync'],
  'neverlose-market/journal': ['MemoryIdJournal', 'JournalError'],
  'neverlose-market/errors': ['isNeverloseMarketError', 'NeverloseMarketError', 'MarketApiError'],
  'neverlose-market/sqlite': [
    'openSqliteIdJournal',
    'openSqliteWebhookDedupStore',
    'SqliteStoreError',
  ],
  'neverlose-market/testing': ['testIdJournal', 'testWebhookDedupStore', 'testSingleUseTokenStore'],
};
/** Internals the root used to export: not public any more. */
const NOT_PUBLIC = ['pythonFloatRepr', 'signingString', 'backoffDelay', 'isJsonContentType'];

describe('every subpath entry of the packed tarball', () => {
  it('loads from import() and require(), with the same names', async () => {
    const result = await project.node(
      'entries.mjs',
      `import { createRequire } from 'node:module';
       const require = createRequire(import.meta.url);
       const entries = ${JSON.stringify(ENTRIES)};
       const out = {};
       for (const [entry, names] of Object.entries(entries)) {
         const esm = await import(entry);
         const cjs = require(entry);
         out[entry] = names.filter((name) => typeof esm[name] !== 'function' && typeof esm[name] !== 'object' || typeof cjs[name] !== typeof esm[name]);
       }
       const root = await import('neverlose-market');
       out.internals = ${JSON.stringify(NOT_PUBLIC)}.filter((name) => name in root);
       out.sqliteInRoot = 'openSqliteIdJournal' in root;
       console.log(JSON.stringify(out));`,
    );
    expect(result.stderr).toBe('');
    const missing = JSON.parse(result.stdout) as Record<string, unknown>;
    for (const entry of Object.keys(ENTRIES)) expect(missing[entry], entry).toEqual([]);
    expect(missing['internals']).toEqual([]);
    expect(missing['sqliteInRoot']).toBe(false);
  });

  it('says how to install better-sqlite3 when /sqlite is used without it on a Node.js without node:sqlite', async () => {
    const result = await project.node(
      'sqlite.mjs',
      `import { openSqliteIdJournal } from 'neverlose-market/sqlite';
       const builtin = process.getBuiltinModule?.('node:sqlite') !== undefined;
       try { await openSqliteIdJournal(':memory:'); console.log(builtin ? 'node:sqlite' : 'opened'); }
       catch (error) { console.log(error.code); }`,
    );
    expect(['ERR_SQLITE_DRIVER_UNAVAILABLE', 'node:sqlite']).toContain(result.stdout.trim());
  });

  it("proves a store of one's own with the contract suites, on a runner other than vitest (node:test)", async () => {
    const result = await project.node(
      'contract.mjs',
      `import assert from 'node:assert/strict';
       import { describe, it } from 'node:test';
       import { MemoryWebhookDedupStore, MemoryIdJournal, MemorySingleUseTokenStore } from 'neverlose-market';
       import { testIdJournal, testSingleUseTokenStore, testWebhookDedupStore } from 'neverlose-market/testing';
       ${NODE_TEST_API}
       testIdJournal({ name: 'a journal of my own', test, open: () => new MemoryIdJournal() });
       testWebhookDedupStore({ name: 'mine', test, open: ({ now }) => new MemoryWebhookDedupStore(now) });
       testSingleUseTokenStore({ name: 'mine', test, open: ({ now }) => new MemorySingleUseTokenStore(now) });`,
    );
    expect(result.stdout).toMatch(/# pass 15\b/);
    expect(result.stdout).toMatch(/# fail 0\b/);
  });

  const portable = portableMarketEntries;
  /** A Worker-style module that uses every portable entry. */
  const workerSource = `
    ${portable.map((entry, i) => `import * as entry${i} from '${entry}';`).join('\n')}
    import { signPayload, verifySignature } from 'neverlose-market/signing';
    import { createWebhookHandler, verifyWebhook } from 'neverlose-market/webhooks';
    import { MarketClient } from 'neverlose-market/client';
    import { verifyResellerToken } from 'neverlose-market/reseller';
    export const entries = [${portable.map((_, i) => `entry${i}`).join(', ')}];
    export { signPayload, verifySignature, createWebhookHandler, verifyWebhook, MarketClient, verifyResellerToken };
    export default { fetch: createWebhookHandler({ secret: 'key', onEvent() {} }) };
  `;

  it.each(['neutral', 'browser'] as const)(
    'bundles for a Worker (platform %s) without better-sqlite3 or a node: import',
    async (platform) => {
      writeFileSync(join(project.dir, 'worker.mjs'), workerSource);
      const result = await build({
        absWorkingDir: project.dir,
        entryPoints: ['worker.mjs'],
        bundle: true,
        format: 'esm',
        platform,
        mainFields: ['module', 'main'],
        write: false,
        logLevel: 'silent',
      });
      const code = result.outputFiles[0]!.text;
      expect(code).not.toContain('better-sqlite3');
      // node: modules are only ever looked up at run time, where a runtime has them.
      const withoutLookups = code.replace(
        /builtinModule\d*\(\s*"node:[a-z_]+"/g,
        'builtinModule(…',
      );
      expect(withoutLookups).not.toMatch(/node:/);
    },
  );

  it('runs the bundle where there is no process, Buffer or node: module, as on Workers', async () => {
    const result = await build({
      absWorkingDir: project.dir,
      stdin: { contents: workerSource, resolveDir: project.dir, loader: 'js' },
      bundle: true,
      format: 'iife',
      globalName: 'worker',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    // A fetch that, like the platform fetch of Workers, refuses to be called as a method.
    const platformFetch = function (this: unknown, _url: string, _init: RequestInit) {
      if (this !== undefined && this !== sandbox) throw new TypeError('Illegal invocation');
      return Promise.resolve(new Response('{"success":true,"balance":2.5}'));
    };
    const sandbox: Record<string, unknown> = {
      fetch: platformFetch,
      Request,
      Response,
      Headers,
      URL,
      TextEncoder,
      TextDecoder,
      AbortSignal,
      AbortController,
      crypto: globalThis.crypto,
      performance,
      console,
      setTimeout,
      clearTimeout,
      queueMicrotask,
      structuredClone,
    };
    sandbox['globalThis'] = sandbox;
    runInNewContext(result.outputFiles[0]!.text, sandbox);
    const worker = sandbox['worker'] as typeof import('neverlose-market') & {
      default: { fetch(request: Request): Promise<Response> };
    };
    expect(runInNewContext('typeof process + typeof Buffer + typeof require', sandbox)).toBe(
      'undefinedundefinedundefined',
    );
    expect(
      worker.signPayload(
        { amount: 0.9, username: 'A49', unique_id: 89968, item_id: 'E3yugw' },
        'key',
      ),
    ).toBe(docsSignature);
    expect(worker.verifySignature(purchase, 'key')).toBe(true);
    expect(worker.verifyWebhook(new TextEncoder().encode(purchase), 'key')).toMatchObject({
      kind: 'purchase',
      uniqueId: 89968,
    });
    const answer = await worker.default.fetch(
      new Request('https://shop.example/hook', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: purchase,
      }),
    );
    expect(answer.status).toBe(200);
    const client = new worker.MarketClient({ userId: 1, secret: 'k', fetch: platformFetch });
    await expect(client.getBalance()).resolves.toMatchObject({ balance: 2.5 });
    const keyed = await client.giftProduct({
      key: 'order-1',
      username: 'u',
      product: 'cs2',
      days: 30,
    });
    expect(keyed.status).toBe('completed');
    await expect(
      worker.verifyResellerToken('a.b.c', 'k', { integrationId: 1 }),
    ).rejects.toMatchObject({
      code: 'ERR_RESELLER_TOKEN_MALFORMED',
    });
  });
});

describe('nl-market from the repository root', () => {
  it('runs through pnpm exec after the set-up', async () => {
    const { stdout } = await run('pnpm', ['exec', 'nl-market', '--help'], { cwd: repoRoot });
    expect(stdout).toMatch(/NEVERLOSE_API_KEY/);
  });
});

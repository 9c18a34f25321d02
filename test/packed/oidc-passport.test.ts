import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installPacked,
  NODE_TEST_API,
  type PackedProject,
  repoRoot,
  spawnNode,
} from '../support/packed.js';

let project: PackedProject;

beforeAll(async () => {
  project = await installPacked(['oidc', 'passport']);
});
afterAll(() => project?.remove());

/** Compiles `files` of the project as a strict NodeNext consumer, declaration files included. */
function typecheck(...files: string[]) {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  return spawnNode(project.dir, [
    tsc,
    '--noEmit',
    '--strict',
    '--exactOptionalPropertyTypes',
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
    ...files,
  ]);
}

describe('neverlose-oidc and passport-neverlose installed from their packed tarballs', () => {
  it('ship types that a strict consumer compiles without skipLibCheck and without @types/passport, from ESM and CommonJS', async () => {
    await project.node(
      'consumer.mts',
      `import {
         createNeverloseClient,
         isNeverloseOidcError,
         type NeverloseOidcDiagnostic,
         type NeverloseOidcUserErrorCode,
       } from 'neverlose-oidc';
       import NeverloseStrategy, {
         isNeverloseFailure,
         type NeverloseFailure,
         type PassportNeverloseProfile,
       } from 'passport-neverlose';

       const strategy = new NeverloseStrategy(
         {
           client: {
             clientId: 'app',
             clientSecret: 'secret',
             onDiagnostic: (event: NeverloseOidcDiagnostic) => {
               if (event.type === 'oidc:failed') console.log(event.code, event.step);
             },
           },
           callbackURL: '/auth/neverlose/callback',
         },
         (accessToken: string, profile: PassportNeverloseProfile, done) => done(null, { id: profile.id }),
       );
       export function describe(error: unknown, info: unknown): string {
         if (isNeverloseOidcError(error, 'ERR_INVALID_CLIENT')) return error.oauthError?.error ?? '';
         if (isNeverloseOidcError(error)) {
           const code: string = error.code;
           return code;
         }
         if (isNeverloseFailure(info)) {
           const failure: NeverloseFailure = info;
           const user: NeverloseOidcUserErrorCode | 'ERR_TRANSACTION_STORE_FULL' | 'ERR_TEMPORARILY_UNAVAILABLE' = failure.code;
           return user;
         }
         return '';
       }
       export { createNeverloseClient, strategy };`,
    );
    // The CommonJS declarations (index.d.cts) are those a `require()` consumer compiles against.
    await project.node(
      'consumer.cts',
      `import passportNeverlose = require('passport-neverlose');
       import type { NeverloseFailure, PassportNeverloseProfile } from 'passport-neverlose';

       const strategy = new passportNeverlose.Strategy(
         { client: { clientId: 'app' }, callbackURL: '/auth/neverlose/callback' },
         (_accessToken: string, profile: PassportNeverloseProfile, done) => done(null, profile.id),
       );
       const failure = (info: unknown): NeverloseFailure | undefined =>
         passportNeverlose.isNeverloseFailure(info) ? info : undefined;
       export = { strategy, failure, same: passportNeverlose.default === passportNeverlose.NeverloseStrategy };`,
    );
    const result = await typecheck('consumer.mts', 'consumer.cts');
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('ship no reference to passport-strategy or its types', async () => {
    const result = await project.node(
      'deps.mjs',
      `import { readFileSync } from 'node:fs';
       const manifest = JSON.parse(readFileSync('node_modules/passport-neverlose/package.json', 'utf8'));
       const types = readFileSync('node_modules/passport-neverlose/dist/index.d.ts', 'utf8');
       console.log(JSON.stringify({ dependencies: manifest.dependencies, mentions: types.includes('passport-strategy') }));`,
    );
    expect(JSON.parse(result.stdout)).toEqual({
      dependencies: { 'neverlose-oidc': expect.any(String) },
      mentions: false,
    });
  });

  it('work from import() and require(), and Passport takes the strategy', async () => {
    const result = await project.node(
      'use.cjs',
      `const passport = require('passport');
       const { NeverloseStrategy } = require('passport-neverlose');
       (async () => {
         const esm = await import('passport-neverlose');
         const strategy = new NeverloseStrategy(
           { client: { clientId: 'app' }, callbackURL: '/auth/neverlose/callback' },
           () => {},
         );
         passport.use(strategy);
         console.log(JSON.stringify({ name: strategy.name, esm: typeof esm.NeverloseStrategy, same: esm.default === esm.NeverloseStrategy }));
       })();`,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ name: 'neverlose', esm: 'function', same: true });
  });

  it("prove a store of one's own with neverlose-oidc/testing, from import() and require(), on node:test", async () => {
    const result = await project.node(
      'contract.mjs',
      `import assert from 'node:assert/strict';
       import { createRequire } from 'node:module';
       import { describe, it } from 'node:test';
       import { MemorySessionRevocationStore, MemoryTransactionStore } from 'neverlose-oidc';
       import { testSessionRevocationStore, testTransactionStore } from 'neverlose-oidc/testing';
       const cjs = createRequire(import.meta.url)('neverlose-oidc/testing');
       assert.equal(typeof cjs.testTransactionStore, 'function');
       assert.equal(typeof cjs.testSessionRevocationStore, 'function');
       ${NODE_TEST_API}
       testTransactionStore({ name: 'mine', test, open: ({ now }) => new MemoryTransactionStore({ now }) });
       testSessionRevocationStore({ name: 'mine', test, open: ({ now }) => new MemorySessionRevocationStore({ now }) });`,
    );
    expect(result.stdout).toMatch(/# pass 13\b/);
    expect(result.stdout).toMatch(/# fail 0\b/);
  });
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPacked, type PackedProject, repoRoot, run, spawnNode } from '../support/packed.js';

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

describe('nl-market from the repository root', () => {
  it('runs through pnpm exec after the set-up', async () => {
    const { stdout } = await run('pnpm', ['exec', 'nl-market', '--help'], { cwd: repoRoot });
    expect(stdout).toMatch(/NEVERLOSE_API_KEY/);
  });
});

// docs/errors.md against the code unions of every package: each code has one entry (its heading
// is the code, so `error.docUrl` lands on it), and each entry names a code that exists.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmulatorError } from 'neverlose-emulator';
import { MarketInputError } from 'neverlose-market';
import { NeverloseOidcError } from 'neverlose-oidc';
import { NeverlosePostgresError } from 'neverlose-postgres';
import { NeverloseRedisError } from 'neverlose-redis';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/packed.js';

const DOC_URL = 'https://github.com/neverlose-toolkit/neverlose-toolkit/blob/main/docs/errors.md';

/** The `errors.ts` files of every package (the market keeps one per feature). */
function errorFiles(): string[] {
  const files: string[] = [];
  for (const pkg of readdirSync(join(repoRoot, 'packages'))) {
    const src = join(repoRoot, 'packages', pkg, 'src');
    for (const entry of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (entry === 'errors.ts' || entry.endsWith('/errors.ts')) files.push(join(src, entry));
    }
  }
  return files;
}

/** Every code of every exported `...Code` union: `export type XCode = 'ERR_A' | 'ERR_B' | ...;`. */
function unionCodes(): Map<string, string[]> {
  const codes = new Map<string, string[]>();
  for (const file of errorFiles()) {
    const text = readFileSync(file, 'utf8');
    for (const union of text.matchAll(/export type \w+Code\s*=([^;]*);/g)) {
      for (const [, code] of (union[1] ?? '').matchAll(/'(ERR_[A-Z0-9_]+)'/g)) {
        codes.set(code as string, [...(codes.get(code as string) ?? []), file]);
      }
    }
  }
  return codes;
}

const doc = readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8');
const headings = [...doc.matchAll(/^#{2,4} (.+)$/gm)].map((match) => (match[1] ?? '').trim());
const codeHeadings = headings.filter((heading) => /^ERR_/.test(heading));
const codes = unionCodes();

describe('docs/errors.md', () => {
  it('reads the code unions of every package', () => {
    // A broken parse would make every later check pass on nothing.
    expect(codes.size).toBeGreaterThan(100);
    for (const code of ['ERR_INVALID_OPTION', 'ERR_STATE_MISMATCH', 'ERR_REDIS_TIMEOUT']) {
      expect(codes.has(code)).toBe(true);
    }
  });

  it('has one entry for every code', () => {
    const missing = [...codes.keys()].filter((code) => !codeHeadings.includes(code));
    expect(missing).toEqual([]);
    const twice = codeHeadings.filter((code, index) => codeHeadings.indexOf(code) !== index);
    expect(twice).toEqual([]);
  });

  it('has no entry for a code that does not exist', () => {
    expect(codeHeadings.filter((code) => !codes.has(code))).toEqual([]);
    // A heading that is neither a package nor a code is most likely a misspelt code.
    const others = headings.filter((heading) => !/^ERR_/.test(heading));
    for (const heading of others) {
      expect(heading).toMatch(/^(Codes of several packages|neverlose-[a-z]+|passport-neverlose)$/);
    }
  });

  it('gives a bad option or argument no code of its own in any package', () => {
    const spellings = [...codes]
      .map(([code]) => code)
      .filter((code) => /CONFIG|OPTION|PARAMS|ARGUMENT/.test(code));
    expect(spellings.sort()).toEqual(['ERR_INVALID_ARGUMENT', 'ERR_INVALID_OPTION']);
  });

  it.each([
    ['neverlose-oidc', new NeverloseOidcError('ERR_INVALID_OPTION', 'x')],
    ['neverlose-market', new MarketInputError('ERR_INVALID_OPTION', 'x')],
    ['neverlose-redis', new NeverloseRedisError('ERR_REDIS_TIMEOUT', 'x')],
    ['neverlose-postgres', new NeverlosePostgresError('ERR_POSTGRES_NOT_MIGRATED', 'x')],
    ['neverlose-emulator', new EmulatorError('ERR_NOT_FOUND', 'x')],
  ])('links an error of %s to its entry (docUrl)', (_name, error) => {
    expect(error.docUrl).toBe(`${DOC_URL}#${error.code.toLowerCase()}`);
    expect(codeHeadings).toContain(error.code);
  });
});

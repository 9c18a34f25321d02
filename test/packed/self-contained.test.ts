import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPacked, type PackedProject } from '../support/packed.js';

// The code the packages share lives in a private workspace package, bundled into each published
// package at build time: no published file may name it, or an install from the registry breaks.

const packages = [
  { dir: 'market', name: 'neverlose-market' },
  { dir: 'oidc', name: 'neverlose-oidc' },
  { dir: 'passport', name: 'passport-neverlose' },
  { dir: 'redis', name: 'neverlose-redis' },
  { dir: 'postgres', name: 'neverlose-postgres' },
  { dir: 'emulator', name: 'neverlose-emulator' },
] as const;

const INTERNAL = '@neverlose-toolkit/internal';

let project: PackedProject;

beforeAll(async () => {
  project = await installPacked(packages.map(({ dir }) => dir));
});
afterAll(() => project?.remove());

/** Every file under `dir`, as paths relative to it. */
function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the packed tarballs carry the shared code inside them', () => {
  it.each(packages.map(({ name }) => name))(
    '%s: no file names the private workspace package, and its manifest does not depend on it',
    (name) => {
      const root = join(project.dir, 'node_modules', name);
      const files = filesOf(root).filter((file) => !file.endsWith('package.json'));
      expect(files.length).toBeGreaterThan(0);
      const naming = files.filter((file) => readFileSync(file, 'utf8').includes(INTERNAL));
      expect(naming).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
        string,
        Record<string, string> | undefined
      >;
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
        expect(Object.keys(manifest[field] ?? {})).not.toContain(INTERNAL);
      }
    },
  );

  it('installs nothing of the private workspace package', () => {
    expect(() => readdirSync(join(project.dir, 'node_modules', '@neverlose-toolkit'))).toThrow();
  });
});

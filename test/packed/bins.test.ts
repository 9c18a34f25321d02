import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPacked, type PackedProject, repoRoot, spawnNode } from '../support/packed.js';

/** Every command the packages install, by package folder. */
const bins = [
  { dir: 'market', bin: 'nl-market' },
  { dir: 'emulator', bin: 'neverlose-emulator' },
  { dir: 'postgres', bin: 'neverlose-postgres' },
].map(({ dir, bin }) => {
  const { name, version } = JSON.parse(
    readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8'),
  ) as { name: string; version: string };
  return { dir, bin, name, version };
});

let project: PackedProject;

beforeAll(async () => {
  project = await installPacked(bins.map(({ dir }) => dir));
});
afterAll(() => project?.remove());

describe('the commands installed from the packed tarballs', () => {
  it.each(
    bins.flatMap((entry) => ['--version', '-v'].map((flag) => [entry.bin, flag, entry] as const)),
  )(
    '%s %s prints its name and the package version, and exits 0',
    async (bin, flag, { version }) => {
      const result = await spawnNode(project.dir, [flag], {
        command: join(project.dir, 'node_modules', '.bin', bin),
      });
      expect(result).toEqual({ code: 0, stdout: `${bin} ${version}\n`, stderr: '' });
    },
  );

  it.each(bins.map((entry) => [entry.bin, entry] as const))(
    '%s --help names --version',
    async (bin) => {
      const result = await spawnNode(project.dir, ['--help'], {
        command: join(project.dir, 'node_modules', '.bin', bin),
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('--version');
    },
  );
});

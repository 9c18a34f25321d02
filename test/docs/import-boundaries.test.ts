// Every package stands on its own: its tests, benches and configs reach what they share with other
// packages through @neverlose-toolkit/test-support (a workspace package named in their
// devDependencies), never by a path that climbs out of the package, and the tests of the root
// never reach into a package's tests. A package's tests then run from the package alone
// (`pnpm --filter <package> exec vitest run`), and moving a folder breaks no other package.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/packed.js';

const SUPPORT = '@neverlose-toolkit/test-support';
const CODE = /\.(?:[cm]?[jt]s|tsx)$/;

/** Every file of a clone (tracked or new, not ignored, none of node_modules), from the root. */
const files = execFileSync(
  'git',
  ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
  {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  },
)
  .split('\0')
  .filter((file) => file !== '' && !file.split('/').includes('node_modules'));

/** The packages' folders: `packages/<name>`. */
const packageOf = (file: string): string | undefined =>
  /^(packages\/[^/]+)\//.exec(file)?.[1] ?? undefined;

/**
 * The relative paths a file names, resolved from its folder: import specifiers and any other
 * string that is a relative path (a vitest `globalSetup`, a `new URL(..., import.meta.url)`),
 * and `join(import.meta.dirname, '..', ...)`-style climbs.
 */
function namedPaths(file: string, text: string): { named: string; resolved: string }[] {
  const from = dirname(file);
  const found: { named: string; resolved: string }[] = [];
  for (const [, named = ''] of text.matchAll(/['"`](\.\.?\/[^'"`\s$]*)['"`]/g)) {
    found.push({ named, resolved: relative('.', join(from, named)) });
  }
  const climb =
    /\b(?:join|resolve)\(\s*(?:import\.meta\.dirname|__dirname|dirname\(fileURLToPath\(import\.meta\.url\)\))((?:\s*,\s*['"]\.\.['"])+)((?:\s*,\s*['"][^'"]+['"])*)/g;
  for (const [call, ups = '', rest = ''] of text.matchAll(climb)) {
    const parts = [...`${ups}${rest}`.matchAll(/['"]([^'"]+)['"]/g)].map(([, part = '']) => part);
    found.push({ named: call, resolved: relative('.', join(from, ...parts)) });
  }
  return found;
}

const outside = (pkg: string, path: string) => path !== pkg && !path.startsWith(`${pkg}/`);

/** What a package may name outside itself: the build configuration every package extends. */
const shared = new Set(['tsdown.base.ts']);

/**
 * Named paths that cross a boundary today, each with what ends it. An entry no longer found fails
 * the suite, so the list only shrinks.
 */
const crossings = new Map<string, string>([]);

function violations() {
  const climbing: string[] = [];
  const intoPackageTests: string[] = [];
  const supportInSource: string[] = [];
  for (const file of files.filter((name) => CODE.test(name))) {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    const pkg = packageOf(file);
    for (const { named, resolved } of namedPaths(file, text)) {
      const path = resolved.split(sep).join('/');
      if (pkg !== undefined && outside(pkg, path) && !shared.has(path)) {
        climbing.push(`${file}: ${named}`);
      }
      if (pkg === undefined && /^packages\/[^/]+\/(?:test|bench)\//.test(path)) {
        intoPackageTests.push(`${file}: ${named}`);
      }
    }
    if (pkg !== undefined && /^packages\/[^/]+\/src\//.test(file) && text.includes(SUPPORT)) {
      supportInSource.push(file);
    }
  }
  return { climbing, intoPackageTests, supportInSource };
}

describe('import boundaries', () => {
  const found = violations();

  it('sees the climbs it looks for', () => {
    const file = 'packages/x/test/a.test.ts';
    const text = [
      "import { a } from '../../../test/support/ports.js';",
      "globalSetup: ['../../../test/support/servers/redis.ts'],",
      "const script = join(import.meta.dirname, '..', '..', '..', 'scripts', 'run.sh');",
      "import { b } from './b.js';",
      "const here = join(import.meta.dirname, '..', 'fixtures');",
    ].join('\n');
    expect(
      namedPaths(file, text)
        .map(({ resolved }) => resolved)
        .filter((path) => outside('packages/x', path)),
    ).toEqual(['test/support/ports.js', 'test/support/servers/redis.ts', 'scripts/run.sh']);
  });

  it('no file of a package names a path outside its package', () => {
    expect(found.climbing.filter((crossing) => !crossings.has(crossing))).toEqual([]);
  });

  it('every crossing still listed is still there', () => {
    expect([...crossings.keys()].filter((crossing) => !found.climbing.includes(crossing))).toEqual(
      [],
    );
  });

  it("no file outside the packages names a path into a package's tests or benches", () => {
    expect(found.intoPackageTests).toEqual([]);
  });

  it(`no published source imports ${SUPPORT}`, () => {
    expect(found.supportInSource).toEqual([]);
  });

  it(`${SUPPORT} is only ever a devDependency`, () => {
    const manifests = files
      .filter((file) => file.endsWith('/package.json'))
      .map((file) => ({ file, manifest: JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) }));
    expect(
      manifests
        .filter(({ manifest }) =>
          ['dependencies', 'peerDependencies', 'optionalDependencies'].some(
            (field) => manifest[field]?.[SUPPORT] !== undefined,
          ),
        )
        .map(({ file }) => file),
    ).toEqual([]);
  });
});

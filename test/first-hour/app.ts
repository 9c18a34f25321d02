import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { installPacked, type PackedProject, repoRoot } from '../support/packed.js';
import { readmeInstall } from '../support/readme-app.js';

// The app a newcomer's first hour builds: what the README sections they follow tell them to
// install, in one folder, installed once with npm; each path then lives in a folder of it.

/** A README section whose install commands a path follows (no section: the introduction). */
export interface InstallSection {
  readonly readme: string;
  readonly section?: string;
}

/** The workspace's packages by npm name, and their folders under `packages/`. */
function workspacePackages(): Map<string, string> {
  const names = new Map<string, string>();
  for (const dir of readdirSync(join(repoRoot, 'packages'))) {
    const manifest = JSON.parse(
      readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8'),
    ) as { name: string };
    names.set(manifest.name, dir);
  }
  return names;
}

/**
 * What a TypeScript app has besides what the READMEs install, and the Next.js app
 * `create-next-app` makes (next-auth's section says to start from one). TypeScript is the
 * workspace's major: the README's files are checked with the compiler they are written for.
 */
const APP_TOOLCHAIN = [
  'typescript@5',
  '@types/node@20',
  'next',
  'react',
  'react-dom',
  '@types/react',
];

/**
 * better-sqlite3 downloads a prebuilt binary from its GitHub releases, or compiles itself for
 * minutes when it cannot (as here: no route to github.com). The binary the workspace compiled
 * from the same version stands for that download (prebuild-install's `local-prebuilds`); when npm
 * resolves another version, it is compiled as before.
 */
async function betterSqlitePrebuild(): Promise<{ dir: string; version: string }> {
  const pkg = realpathSync(join(repoRoot, 'packages/market/node_modules/better-sqlite3'));
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as {
    version: string;
  };
  const dir = mkdtempSync(join(tmpdir(), 'neverlose-prebuilds-'));
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await promisify(execFile)('tar', [
    'czf',
    join(dir, name),
    '-C',
    pkg,
    'build/Release/better_sqlite3.node',
  ]);
  return { dir, version };
}

/**
 * Packs the workspace packages the sections name (and `neverlose-emulator`, run with `npx`), and
 * installs them with everything else the sections name in one `npm install`.
 *
 * `--legacy-peer-deps`: this one folder holds frameworks no app combines (next-auth v4 asks for
 * `@auth/core` 0.34 as an optional peer, `@auth/express` depends on 0.41); each path's own imports
 * are checked against its section's install commands instead.
 */
export async function installFirstHourApp(
  sections: readonly InstallSection[],
): Promise<{ project: PackedProject; betterSqlite: string }> {
  const ours = workspacePackages();
  const named = new Set(sections.flatMap(({ readme, section }) => readmeInstall(readme, section)));
  named.add('neverlose-emulator');
  const packed = [...named].filter((name) => ours.has(name));
  const registry = [...named].filter((name) => !ours.has(name));
  const prebuild = await betterSqlitePrebuild();
  try {
    const project = await installPacked(
      packed.map((name) => ours.get(name) as string),
      {
        with: [...registry, ...APP_TOOLCHAIN],
        npmFlags: ['--legacy-peer-deps'],
        env: { npm_config_better_sqlite3_local_prebuilds: prebuild.dir },
        type: 'module',
      },
    );
    const installed = JSON.parse(
      readFileSync(join(project.dir, 'node_modules/better-sqlite3/package.json'), 'utf8'),
    ) as { version: string };
    const betterSqlite =
      installed.version === prebuild.version
        ? `better-sqlite3 ${installed.version}: the prebuilt binary`
        : `better-sqlite3 ${installed.version}: compiled (the workspace has ${prebuild.version})`;
    return { project, betterSqlite };
  } finally {
    rmSync(prebuild.dir, { recursive: true, force: true });
  }
}

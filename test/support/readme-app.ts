import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { transform } from 'esbuild';
import { repoRoot } from './packed.js';
import { type Program, spawnProgram, untilListening } from './program.js';

// A README's files are a promise that a user can save them and run them. These helpers cut the
// files out of a README (its text, not the snippet files it was made from) and put them in an app
// folder as a user would: beside the workspace's packages (linked into its node_modules), or inside
// an app that installed the packed tarballs with npm (test/first-hour).

const SNIPPET_BLOCK = /<!-- snippet: snippets\/([\w-]+\.(?:ts|sh)) -->\n```\w*\n([\s\S]*?)```/g;

const readText = (readme: string) => readFileSync(resolve(repoRoot, readme), 'utf8');

/** Every file block of a README (path from the repository root), by file name (`hono.ts`). */
export function readmeFiles(readme: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [, file, body] of readText(readme).matchAll(SNIPPET_BLOCK))
    files.set(file as string, body as string);
  return files;
}

/** The README's block of `file` (`hono.ts`), or a thrown error naming the blocks it holds. */
export function readmeFile(readme: string, file: string): string {
  const files = readmeFiles(readme);
  const text = files.get(file);
  if (text === undefined)
    throw new Error(`${readme} has no block snippets/${file} (it has ${[...files.keys()]})`);
  return text;
}

/**
 * The packages the install commands (`npm install`, `pnpm add`, with or without `-D`) of the
 * README's section `heading` (or of its introduction, before the first `##`) name: what a user
 * following that section installs.
 */
export function readmeInstall(readme: string, heading?: string): string[] {
  const lines = readText(readme).split('\n');
  const start =
    heading === undefined
      ? 0
      : lines.findIndex((line) => /^#{2,3} /.test(line) && line.includes(` ${heading}`));
  if (start === -1) throw new Error(`${readme} has no section "${heading}"`);
  const level = heading === undefined ? 2 : (/^#+/.exec(lines[start] as string)?.[0].length ?? 2);
  const packages: string[] = [];
  let fence: string | undefined; // the opening line of the code block the line is in
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('```')) {
      fence = fence === undefined ? line.trim() : undefined;
      continue;
    }
    const heading = /^(#+) /.exec(line);
    if (fence === undefined && heading && (heading[1] as string).length <= level) break;
    const command =
      fence === '```sh' && /^(?:npm install|npm i|pnpm add)\s+(.*)$/.exec(line.trim());
    if (!command) continue;
    const words = (command[1] as string).replace(/#.*$/, '').trim().split(/\s+/);
    packages.push(...words.filter((word) => word !== '' && !word.startsWith('-')));
  }
  return packages;
}

/** The package of a bare import (`hono/html` is `hono`, `@hono/node-server/x` is `@hono/node-server`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** The packages `source` imports (static imports and exports `from`), `node:` ones left out. */
export function importedPackages(source: string): Set<string> {
  const names = new Set<string>();
  for (const [, specifier] of source.matchAll(/\bfrom\s+'([^'.@/][^']*|@[^'/]+\/[^']+)'/g)) {
    if (!specifier?.startsWith('node:')) names.add(packageOf(specifier as string));
  }
  return names;
}

/**
 * `source` with its TypeScript types stripped, as Node runs a `.ts` file (22.18+): nothing else
 * changes, imports included (one not marked `type` stays).
 */
export async function stripTypes(source: string): Promise<string> {
  const { code } = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
  });
  return code;
}

/** Where the workspace holds the packages a snippet imports (neverlose-oidc is the package). */
const PACKAGE_HOSTS = ['packages/oidc', 'examples/authjs-express', 'examples/nextjs', 'test'];

function workspacePackage(name: string): string {
  if (name === 'neverlose-oidc') return join(repoRoot, 'packages/oidc');
  for (const host of PACKAGE_HOSTS) {
    const dir = join(repoRoot, host, 'node_modules', name);
    if (existsSync(dir)) return realpathSync(dir);
  }
  throw new Error(`no workspace package has ${name} installed (looked in ${PACKAGE_HOSTS})`);
}

/**
 * Where an app's imports come from, and so how its TypeScript runs: `'workspace'` links each
 * package it imports to the workspace's copy and runs a `.ts` file as Node 22.18+ does (its types
 * stripped, here into a `.js` beside it, run by this Node); `{ installedIn }` is the folder of an
 * app that installed its packages with npm: the app folder is made inside it (its imports resolve
 * up to that `node_modules`), and a `.ts` file runs with that app's `tsx`.
 */
export type ModuleSource = 'workspace' | { readonly installedIn: string };

/** An app folder holding a README's files. */
export interface ReadmeApp {
  readonly dir: string;
  /** The `node_modules` its imports resolve from (for a package's bin: `next/dist/bin/next`). */
  readonly nodeModules: string;
  /** Writes a file of the app, as it is. */
  write(file: string, text: string): void;
  /** Writes a TypeScript file of the app (`server.ts`), ready for {@link ReadmeApp.run}. */
  writeTypeScript(file: string, source: string): Promise<void>;
  /**
   * Links `node_modules/<name>` to the workspace's copy of each package (what a file written with
   * {@link ReadmeApp.write} needs; `'workspace'` apps only: an installed app has its own).
   */
  link(packages: Iterable<string>): void;
  /**
   * Runs `file` (a `.ts` file as above, any other with this Node) in `cwd` (the app's folder),
   * with `env` and `PATH` as its whole environment.
   */
  run(
    file: string,
    options?: { cwd?: string; env?: NodeJS.ProcessEnv; args?: readonly string[] },
  ): Program;
  /**
   * Runs `file` as a user runs a server: `--env-file=.env`, the `.env` holding `env` (and nothing
   * else of this process's environment but `PATH`); resolves once it listens on `port`.
   */
  start(
    file: string,
    options: { env: Record<string, string>; port: number; args?: readonly string[] },
  ): Promise<Program>;
  remove(): void;
}

/**
 * A new app folder: under `parent` (a temporary folder by default) for workspace packages, or
 * `paths/<name>` in an npm-installed app.
 */
export function createReadmeApp(
  name: string,
  options: { modules?: ModuleSource; parent?: string } = {},
): ReadmeApp {
  const modules = options.modules ?? 'workspace';
  let dir: string;
  if (modules === 'workspace') {
    const parent = options.parent ?? tmpdir();
    mkdirSync(parent, { recursive: true });
    dir = mkdtempSync(join(parent, `${name}-`));
  } else {
    dir = join(modules.installedIn, 'paths', name);
    mkdirSync(dir, { recursive: true });
  }
  const nodeModules =
    modules === 'workspace' ? join(dir, 'node_modules') : join(modules.installedIn, 'node_modules');
  const linked = new Set<string>();
  const link = (packages: Iterable<string>) => {
    for (const name of packages) {
      if (linked.has(name)) continue;
      linked.add(name);
      const at = join(nodeModules, name);
      mkdirSync(dirname(at), { recursive: true });
      symlinkSync(workspacePackage(name), at, 'dir');
    }
  };
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  /** The command line of `file`: a `.ts` one as the module source runs TypeScript. */
  const commandOf = (file: string, flags: readonly string[]): [string, string[]] => {
    if (!file.endsWith('.ts')) return [process.execPath, [...flags, file]];
    if (modules === 'workspace')
      return [process.execPath, [...flags, file.replace(/\.ts$/, '.js')]];
    return [join(nodeModules, '.bin/tsx'), [...flags, file]];
  };
  const spawnIn = (
    file: string,
    flags: string[],
    args: readonly string[],
    cwd: string,
    env: NodeJS.ProcessEnv = {},
  ) => {
    const [command, commandArgs] = commandOf(file, flags);
    // Only PATH of this process: the app sees what its user set, nothing of the test runner's.
    return spawnProgram(command, [...commandArgs, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      inherit: false,
    });
  };
  const app: ReadmeApp = {
    dir,
    nodeModules,
    write,
    link(packages) {
      if (modules !== 'workspace') throw new Error(`${dir}: an installed app has its packages`);
      link(packages);
    },
    async writeTypeScript(file, source) {
      write(file, source);
      if (modules !== 'workspace') return;
      write(file.replace(/\.ts$/, '.js'), await stripTypes(source));
      link(importedPackages(source));
    },
    run(file, { cwd = dir, env, args = [] } = {}) {
      return spawnIn(file, [], args, cwd, env);
    },
    async start(file, { env, port, args = [] }) {
      write(
        '.env',
        Object.entries(env)
          .map(([key, value]) => `${key}=${value}`)
          .join('\n'),
      );
      const running = spawnIn(file, ['--env-file=.env'], args, dir);
      await untilListening(running, port);
      return running;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  if (modules === 'workspace')
    write('package.json', JSON.stringify({ private: true, type: 'module' }));
  return app;
}

import { type ChildProcess, spawn } from 'node:child_process';
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
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { transform } from 'esbuild';
import { repoRoot } from './packed.js';

// A README snippet is a promise that a user can copy it as a file and run it. These helpers cut
// the blocks out of a README (the README's text, not the snippet files it was made from) and put
// them in an app folder as a user would, with node_modules linking the workspace's packages.

const SNIPPET_BLOCK = /<!-- snippet: snippets\/([\w-]+)\.ts -->\n```ts\n([\s\S]*?)```/g;

/** Every TypeScript snippet block of a README, by the name of its snippet file (no extension). */
export function readmeBlocks(readme: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const [, name, body] of readFileSync(join(repoRoot, readme), 'utf8').matchAll(SNIPPET_BLOCK))
    blocks.set(name as string, body as string);
  return blocks;
}

/** The README block named `name`, or a thrown error naming what the README holds instead. */
export function readmeBlock(readme: string, name: string): string {
  const blocks = readmeBlocks(readme);
  const block = blocks.get(name);
  if (block === undefined)
    throw new Error(`${readme} has no block snippets/${name}.ts (it has ${[...blocks.keys()]})`);
  return block;
}

/** Where the workspace holds the packages a snippet imports (neverlose-oidc is the package). */
const PACKAGE_HOSTS = ['packages/oidc', 'examples/authjs-express', 'examples/nextjs', 'test'];

/** The package of a bare import (`hono/html` is `hono`, `@hono/node-server/x` is `@hono/node-server`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

function packageDir(name: string): string {
  if (name === 'neverlose-oidc') return join(repoRoot, 'packages/oidc');
  for (const host of PACKAGE_HOSTS) {
    const dir = join(repoRoot, host, 'node_modules', name);
    if (existsSync(dir)) return realpathSync(dir);
  }
  throw new Error(`no workspace package has ${name} installed (looked in ${PACKAGE_HOSTS})`);
}

/** The packages `source` imports (static imports and exports `from`), `node:` ones left out. */
export function importedPackages(source: string): Set<string> {
  const names = new Set<string>();
  for (const [, specifier] of source.matchAll(/\bfrom\s+'([^'.][^']*)'/g)) {
    if (!specifier?.startsWith('node:')) names.add(packageOf(specifier as string));
  }
  return names;
}

/** An app folder: files written in it, its node_modules linked to the workspace's packages. */
export interface ReadmeApp {
  readonly dir: string;
  /** Writes a file of the app. */
  write(file: string, text: string): void;
  /**
   * Writes `file.ts` as `file.mjs` with its types stripped, as Node runs TypeScript (`node
   * file.ts`, Node 22.18+): nothing else changes, imports included.
   */
  writeTypeScript(name: string, source: string): Promise<void>;
  /** Links `node_modules/<name>` to the workspace's copy of each package. */
  link(packages: Iterable<string>): void;
  remove(): void;
}

/** A new app folder under `parent` (a temporary folder by default). */
export function createReadmeApp(prefix: string, parent = tmpdir()): ReadmeApp {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, prefix));
  const linked = new Set<string>();
  const app: ReadmeApp = {
    dir,
    write(file, text) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    },
    async writeTypeScript(name, source) {
      const { code } = await transform(source, {
        loader: 'ts',
        format: 'esm',
        target: 'node20',
        // What Node's type stripping does: an import that is not marked `type` stays.
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      });
      app.write(`${name}.mjs`, code);
      app.link(importedPackages(source));
    },
    link(packages) {
      for (const name of packages) {
        if (linked.has(name)) continue;
        linked.add(name);
        const at = join(dir, 'node_modules', name);
        mkdirSync(dirname(at), { recursive: true });
        symlinkSync(packageDir(name), at, 'dir');
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  app.write('package.json', JSON.stringify({ private: true, type: 'module' }));
  return app;
}

/** A program of an app, running. */
export interface RunningProgram {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs `node --env-file=.env <file> <args>` in `dir` (the `.env` holding `env`, and nothing else of
 * this process's environment but `PATH`), and resolves once it accepts connections on `port`.
 */
export async function runNode(
  dir: string,
  file: string,
  env: Record<string, string>,
  port: number,
  args: readonly string[] = [],
): Promise<RunningProgram> {
  writeFileSync(
    join(dir, '.env'),
    Object.entries(env)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
  );
  const child = spawn(process.execPath, ['--env-file=.env', file, ...args], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const program: RunningProgram = {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
  // Up once it accepts a connection; an exit before is a failure with its output.
  const deadline = Date.now() + 60_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${file} exited before listening on ${port}:\n${output}`);
    if (Date.now() > deadline) {
      await program.stop();
      throw new Error(`${file} did not listen on ${port} within 60 s:\n${output}`);
    }
    await delay(100);
  }
  return program;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

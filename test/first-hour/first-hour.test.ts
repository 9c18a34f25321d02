import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminApi,
  marketPaths,
  type Program,
  pathDir,
  type SnippetHost,
  spawnProgram,
} from '../support/market-paths.js';
import { installPacked, type PackedProject, repoRoot, run } from '../support/packed.js';

// A newcomer's first hour, as a script: the packages packed to tarballs, installed with npm into a
// fresh app outside the workspace, each README path followed exactly as written (the files are
// the README's own blocks, cut out of README.md, not copies) against `npx neverlose-emulator` from
// the tarball, each ending delivered, paid or received. One entry per path; the login paths follow
// the same shape (see LOGIN_PATHS).

const SNIPPET_BLOCK = /<!-- snippet: snippets\/([\w-]+)\.(ts|sh) -->\n```\w*\n([\s\S]*?)```/g;

/** Every snippet block of a README, by file name, as the README shows it. */
function readmeFiles(readme: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [, name, ext, body] of readFileSync(readme, 'utf8').matchAll(SNIPPET_BLOCK))
    files.set(`${name}.${ext}`, body as string);
  return files;
}

let app: PackedProject;
let emulator: Program;
let emulatorUrl: string;
let host: SnippetHost;
const started = performance.now();

beforeAll(async () => {
  app = await installPacked(['market', 'emulator']);
  // What the README's install line adds: the optional SQLite driver and a TypeScript runner, and
  // what a TypeScript app has (to check that every block compiles as a whole file).
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      'better-sqlite3@12',
      'tsx@4',
      'typescript@5',
      '@types/node@20',
    ],
    { cwd: app.dir, maxBuffer: 16 * 1024 * 1024 },
  );
  const pkg = JSON.parse(readFileSync(join(app.dir, 'package.json'), 'utf8'));
  writeFileSync(join(app.dir, 'package.json'), JSON.stringify({ ...pkg, type: 'module' }));
  for (const [file, text] of readmeFiles(join(repoRoot, 'packages/market/README.md')))
    writeFileSync(join(app.dir, file), text);
  const bin = join(app.dir, 'node_modules/.bin');
  const PATH = `${bin}:${process.env['PATH']}`;
  host = {
    start: (name, { cwd, env, args = [] }) =>
      spawnProgram(join(bin, 'tsx'), [join(app.dir, `${name}.ts`), ...args], {
        cwd,
        env: { ...env, PATH },
      }),
    shell: (name, { cwd, env }) =>
      spawnProgram('bash', ['-e', join(app.dir, `${name}.sh`)], { cwd, env: { ...env, PATH } }),
    emulatorCli: (args, env) =>
      spawnProgram('npx', ['--no-install', 'neverlose-emulator', ...args], {
        cwd: app.dir,
        env: { ...env, PATH },
      }),
  };
  emulator = spawnProgram('npx', ['--no-install', 'neverlose-emulator', '--port', '0'], {
    cwd: app.dir,
    env: { PATH },
  });
  const line = await emulator.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
  emulatorUrl = line.slice(line.indexOf('http'));
}, 600_000);

afterAll(async () => {
  await emulator?.stop();
  app?.remove();
  console.log(`first hour (market): ${((performance.now() - started) / 1000).toFixed(0)} s`);
});

describe('the first hour with neverlose-market, from the tarballs', () => {
  it('every TypeScript block of the README compiles as a whole file (tsc, strict)', async () => {
    writeFileSync(
      join(app.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          types: ['node'],
          lib: ['ES2023', 'DOM'],
        },
        include: ['*.ts'],
      }),
    );
    const result = await run(join(app.dir, 'node_modules/.bin/tsc'), ['-p', app.dir]).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  });

  // One at a time on one emulator, reset in between: as a newcomer goes through them.
  it.each(marketPaths.map((path) => [path.name, path]))('%s', async (_, path) => {
    await adminApi(emulatorUrl, 'POST', '/reset', {});
    const dir = pathDir('neverlose-first-hour-');
    mkdirSync(dir, { recursive: true });
    expect(await path.run({ emulatorUrl, host, dir })).not.toBe('');
  });
});

/**
 * The login paths, one entry each, driven in Chromium against the same emulator once their
 * README snippets run as whole files: each needs its README's files cut out as above, its
 * framework installed beside the tarballs, and a sign-in in Chromium (test/support/browser.ts).
 */
const LOGIN_PATHS = [
  'Express with passport-neverlose: the README snippet lacks its imports and session set-up',
  'Fastify: the README has no snippet yet',
  'Hono on Node: the snippet reads c.env, empty under serve() on Node (fails every route)',
  'Next.js: next build without secrets fails while the provider validates at module load',
  'better-auth: the snippet lacks its imports; the .d.ts names an old callback path',
  'Auth.js: the snippet lacks its imports',
];
describe('the first hour with the login packages, from the tarballs', () => {
  for (const path of LOGIN_PATHS) it.todo(path);
});

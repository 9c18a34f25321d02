import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH } from '../support/browser.js';
import { adminApi, marketPaths, marketTestFiles, readmeAppHost } from '../support/market-paths.js';
import type { PackedProject } from '../support/packed.js';
import { type Program, spawnProgram } from '../support/program.js';
import {
  createReadmeApp,
  importedPackages,
  type ReadmeApp,
  readmeFile,
  readmeFiles,
  readmeInstall,
} from '../support/readme-app.js';
import type { TlsProxy } from '../support/tls-proxy.js';
import { type InstallSection, installFirstHourApp } from './app.js';
import { type LoginPath, loginPaths, nextBin } from './login-paths.js';

// A newcomer's first hour, as a script: the packages packed to tarballs and installed with npm,
// with what the README sections they follow tell them to install, into one fresh app outside the
// workspace; each path in a folder of it, its files the README's own blocks (cut out of README.md,
// not copies), run as the README runs them against `npx neverlose-emulator` from the tarball; each
// ends paid (or delivered, received, pushed) or signed in, driven in Chromium.

const MARKET = 'packages/market/README.md';
const MARKET_SECTION: InstallSection = { readme: MARKET };
/** The market README's files a newcomer saves and runs (its store contract is a test of one's own store). */
const marketFiles = () => [...readmeFiles(MARKET)].filter(([file]) => !marketTestFiles.has(file));

let project: PackedProject;
let market: ReadmeApp;
const apps = new Map<LoginPath, ReadmeApp>();
let emulator: Program;
let emulatorUrl: string;
let browser: Browser;
/** Started once the app is installed, and run while the paths do. */
let nextBuild: Program;
let typecheck: Program;
const started = performance.now();
const seconds = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

/**
 * How long a login path may take: its app started with tsx, several at once beside `next build`
 * (one path took 113 s on a loaded 2-core machine).
 */
const PATH_DEADLINE_MS = 300_000;
/** How long a page waits for what a path expects of it before the path fails. */
const PAGE_DEADLINE_MS = 120_000;

/** The compiler options of a TypeScript app on Node that runs the README's files as they are. */
const TSCONFIG = JSON.stringify({
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
});

beforeAll(async () => {
  const installed = await installFirstHourApp([MARKET_SECTION, ...loginPaths]);
  project = installed.project;
  console.log(`first hour: installed in ${seconds()} (${installed.betterSqlite})`);
  const modules = { installedIn: project.dir };

  market = createReadmeApp('market', { modules });
  for (const [file, text] of marketFiles()) market.write(file, text);
  for (const path of loginPaths) {
    const app = createReadmeApp(path.name.replace(/\W+/g, '-').toLowerCase(), { modules });
    for (const [file, block] of Object.entries(path.files))
      app.write(file, readmeFile(path.readme, block));
    for (const [file, text] of Object.entries(path.glue ?? {})) app.write(file, text);
    apps.set(path, app);
  }

  // `next build` as a Docker or CI build runs it: no secret in its environment.
  const nextApp = apps.get(loginPaths.find((path) => path.buildsItself) as LoginPath) as ReadmeApp;
  nextBuild = nextApp.run(nextBin(nextApp), {
    args: ['build'],
    env: { NEXT_TELEMETRY_DISABLED: '1' },
  });
  // Each folder a project of its own: one app's global declarations (Express.User) must not
  // make another's compile.
  const typed = [market, ...loginPaths.filter((p) => !p.buildsItself).map((p) => apps.get(p))];
  for (const app of typed as ReadmeApp[]) app.write('tsconfig.json', TSCONFIG);
  typecheck = spawnProgram(
    join(project.dir, 'node_modules/.bin/tsc'),
    ['-b', ...(typed as ReadmeApp[]).map((app) => app.dir)],
    { cwd: project.dir, env: {} },
  );

  emulator = spawnProgram('npx', ['--no-install', 'neverlose-emulator', '--port', '0'], {
    cwd: project.dir,
    env: {},
    group: true,
  });
  const line = await emulator.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
  emulatorUrl = line.slice(line.indexOf('http'));
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([emulator?.stop(), nextBuild?.stop(), typecheck?.stop()]);
  project?.remove();
  console.log(`first hour: ${seconds()} in all`);
});

describe('every README file of a path compiles as a whole file (tsc, strict)', () => {
  it('the market README and each login path but Next.js (next build checks it)', async () => {
    expect(await typecheck.exit(300_000), typecheck.output()).toBe(0);
  });
});

describe('every import of a path is installed by its README section', () => {
  it.each([
    ['the market README', MARKET_SECTION, marketFiles().map(([, text]) => text)] as const,
    ...loginPaths.map(
      (path) =>
        [
          path.name,
          path,
          Object.values(path.files).map((block) => readmeFile(path.readme, block)),
        ] as const,
    ),
  ])('%s', (_, section, sources) => {
    const imported = new Set(sources.flatMap((source) => [...importedPackages(source)]));
    const installed = new Set(readmeInstall(section.readme, section.section));
    expect([...imported].filter((name) => !installed.has(name))).toEqual([]);
  });
});

describe('the first hour with neverlose-market, from the tarballs', () => {
  // One at a time on one emulator, reset in between: as a newcomer goes through them. Each runs
  // in a folder of its own in the app (its market.db), where the README's commands are run.
  it.each(marketPaths.map((path, index) => [path.name, path, index] as const))(
    '%s',
    async (_, path, index) => {
      await adminApi(emulatorUrl, 'POST', '/reset', {});
      const bin = join(project.dir, 'node_modules/.bin');
      const host = readmeAppHost(market, bin, (args, env) =>
        spawnProgram('npx', ['--no-install', 'neverlose-emulator', ...args], {
          cwd: project.dir,
          env,
          group: true,
        }),
      );
      const { dir } = createReadmeApp(`market-${index}`, { modules: { installedIn: project.dir } });
      expect(await path.run({ emulatorUrl, host, dir })).not.toBe('');
    },
  );
});

// At the same time: each path has its own ports, browser profile and callback (added to the
// emulator's client, never reset from here on).
describe.concurrent('the first hour with the login packages, from the tarballs, in Chromium', () => {
  it.each(loginPaths.map((path) => [path.name, path] as const))(
    '%s',
    async (_, path) => {
      if (path.buildsItself) expect(await nextBuild.exit(300_000), nextBuild.output()).toBe(0);
      const running: (Program | TlsProxy)[] = [];
      const profiles: BrowserContext[] = [];
      try {
        const said = await path.run({
          app: apps.get(path) as ReadmeApp,
          emulatorUrl,
          register: async (uri) => {
            await adminApi(emulatorUrl, 'POST', '/oauth-clients/emulator-client/redirect-uris', {
              uri,
            });
          },
          async newPage() {
            const cookies = await browser.newContext({ ignoreHTTPSErrors: true });
            profiles.push(cookies);
            // Each wait is for an event (a URL, an element); this deadline only stops a path that
            // hangs. Eight apps compiling with tsx beside next build share the machine's cores: a
            // callback has taken more than Playwright's default 30 s to answer on a loaded machine.
            cookies.setDefaultTimeout(PAGE_DEADLINE_MS);
            await cookies.route(
              (url) => url.hostname !== '127.0.0.1',
              (route) => route.abort('blockedbyclient'),
            );
            return { page: await cookies.newPage(), cookies };
          },
          keep: (thing) => running.push(thing),
        });
        expect(said).not.toBe('');
      } catch (error) {
        const pages = profiles.flatMap((profile) => profile.pages());
        const seen = await Promise.all(
          pages.map(async (page) => {
            const text = await page.textContent('body', { timeout: 1000 }).catch(() => '');
            return `${page.url()}: ${text?.trim().slice(0, 500)}`;
          }),
        );
        const output = running.map((thing) => ('output' in thing ? thing.output() : '')).join('\n');
        throw new Error(
          `${(error as Error).message}\n--- the browser ---\n${seen.join('\n')}\n--- the app ---\n${output}`,
        );
      } finally {
        await Promise.all(profiles.map((profile) => profile.close()));
        await Promise.all(running.map((thing) => ('stop' in thing ? thing.stop() : thing.close())));
      }
    },
    PATH_DEADLINE_MS,
  );
});

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, screenshotsRoot } from '../support/browser.js';
import { runMatrix, type SurfaceResult } from './matrix.js';
import { MODULES } from './modules.js';
import { openBrowserFor, SURFACES } from './surfaces.js';
import { README_PATH, readmeSection, renderTable, writeReadmeSection } from './table.js';

// The conformance matrix: every module on every surface (see README.md). A run of part of it
// (CONFORMANCE_SURFACES, CONFORMANCE_MODULES: comma-separated names) leaves the README alone.

const pick = <T extends { name: string }>(all: readonly T[], list: string | undefined) =>
  list === undefined || list === ''
    ? all
    : all.filter((item) => list.split(',').includes(item.name));
const surfaces = pick(SURFACES, process.env['CONFORMANCE_SURFACES']);
const modules = pick(MODULES, process.env['CONFORMANCE_MODULES']);
const complete = surfaces.length === SURFACES.length && modules.length === MODULES.length;
/** Surfaces run at once: each is a provider, an app process and a browser context or two. */
const concurrency = Number(process.env['CONFORMANCE_CONCURRENCY'] ?? 3);
const resultsDir = join(screenshotsRoot, '..', 'conformance');

let session: BrowserSession;
let results: SurfaceResult[];
let table: string;

beforeAll(async () => {
  session = await openBrowserFor(surfaces, 'conformance');
  const started = Date.now();
  results = await runMatrix(surfaces, modules, session.browser, concurrency);
  const seconds = Math.round((Date.now() - started) / 1000);
  table = renderTable(results, modules);
  const timings = results.map((r) => `${r.surface.name} ${r.seconds} s`).join(', ');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'table.md'), `${table}\n`);
  writeFileSync(
    join(resultsDir, 'cells.json'),
    JSON.stringify(
      results.map((r) => ({
        surface: r.surface.name,
        seconds: r.seconds,
        cells: Object.fromEntries(
          [...r.cells].map(([name, cell]) => [name, { ...cell, ms: r.durations.get(name) }]),
        ),
      })),
      null,
      2,
    ),
  );
  console.log(
    `Conformance: ${modules.length} modules × ${surfaces.length} surfaces in ${seconds} s (${timings}; ${concurrency} at a time)\n\n${table}\n`,
  );
  if (complete && process.env['CONFORMANCE_UPDATE_README'] === '1') writeReadmeSection(table);
}, 30 * 60_000);

afterAll(async () => {
  await session?.close();
});

describe.each(surfaces)('conformance of $name', (surface) => {
  it.each(modules)('$name: $expect', (module) => {
    const result = results.find((r) => r.surface === surface);
    const cell = result?.cells.get(module.name);
    expect(cell, 'the module did not run').toBeDefined();
    const cannot = surface.cannot?.[module.name];
    if (cannot !== undefined) {
      expect(
        cell?.pass,
        `${module.name} passes on ${surface.name}, documented as "cannot: ${cannot}": remove that entry`,
      ).toBe(false);
      return;
    }
    expect(cell?.pass, `${module.name} on ${surface.name}: ${cell?.label}\n${cell?.detail}`).toBe(
      true,
    );
  });
});

it.runIf(complete)("packages/oidc/README.md's conformance table is this run's", () => {
  const section = readmeSection(readFileSync(README_PATH, 'utf8'));
  expect(
    section,
    'rewrite it: CONFORMANCE_UPDATE_README=1 pnpm exec vitest run --project slow test/conformance/conformance.test.ts',
  ).toBe(table);
});

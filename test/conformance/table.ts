import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/packed.js';
import type { SurfaceResult } from './matrix.js';
import type { ConformanceModule } from './modules.js';
import type { Cell } from './verdict.js';

// The module × surface table: printed at the end of a run, written to test/test-results/, and
// kept in packages/oidc/README.md between two markers (the run checks that section, or rewrites
// it with CONFORMANCE_UPDATE_README=1).

export const README_PATH = join(repoRoot, 'packages', 'oidc', 'README.md');
export const BEGIN_MARKER = '<!-- conformance-table:begin (written by test/conformance) -->';
export const END_MARKER = '<!-- conformance-table:end -->';

/** Text safe in a table cell. */
const inCell = (text: string) => text.replaceAll('|', '\\|');

function cellText(cell: Cell | undefined, cannot: string | undefined): string {
  if (cell === undefined) return 'not run';
  if (cannot !== undefined && !cell.pass) return `➖ cannot: ${inCell(cannot)}`;
  return `${cell.pass ? '✅' : '❌'} ${inCell(cell.label)}`;
}

/** The table, in Markdown, with its legend. */
export function renderTable(
  results: readonly SurfaceResult[],
  modules: readonly ConformanceModule[],
): string {
  const header = `| module | the provider | expected | ${results.map((r) => r.surface.name).join(' | ')} |`;
  const rule = `| --- | --- | --- | ${results.map(() => '---').join(' | ')} |`;
  const rows = modules.map((module) => {
    const name = module.plan === undefined ? `\`${module.name}\`` : `\`${module.name}\`¹`;
    const cells = results.map((result) =>
      cellText(result.cells.get(module.name), result.surface.cannot?.[module.name]),
    );
    return `| ${name} | ${inCell(module.what)} | ${module.expect} | ${cells.join(' | ')} |`;
  });
  const surfaces = results.map((r) => `\`${r.surface.name}\`: ${r.surface.stack}`).join('; ');
  return [
    header,
    rule,
    ...rows,
    '',
    "¹ follows the OpenID Foundation's RP test module `oidcc-client-test-<name>` (`happy-path`: `oidcc-client-test`), of its Basic RP, Config RP or full client test plan; the other modules are this suite's own.",
    '',
    `Surfaces: ${surfaces}.`,
  ].join('\n');
}

/** The README's generated section, markers excluded, or `undefined` when it has none. */
export function readmeSection(readme: string): string | undefined {
  const begin = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (begin === -1 || end < begin) return undefined;
  return readme.slice(begin + BEGIN_MARKER.length, end).trim();
}

/** Writes `table` between the README's markers. */
export function writeReadmeSection(table: string): void {
  const readme = readFileSync(README_PATH, 'utf8');
  const begin = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (begin === -1 || end < begin) {
    throw new Error(`${README_PATH} has no ${BEGIN_MARKER} … ${END_MARKER} section.`);
  }
  writeFileSync(
    README_PATH,
    `${readme.slice(0, begin + BEGIN_MARKER.length)}\n\n${table}\n\n${readme.slice(end)}`,
  );
}

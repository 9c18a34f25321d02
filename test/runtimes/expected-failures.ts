// Cells of the matrix known to fail today: why, and a piece of the error that shows it is that
// failure and not another. Such a cell's test passes while it fails that way, and fails once the
// cell passes (or fails otherwise): take it off the list then, and update the packages' "Runtimes"
// lines from the table the matrix writes (test/runtimes/test-results/matrix.md).
import type { SurfaceName } from './surfaces/index.js';

export interface ExpectedFailure {
  readonly reason: string;
  /** Text the failure's message contains. */
  readonly shows: string;
}

/** By runtime id (runtimes.ts), then surface (surfaces/index.ts). None today. */
export const expectedFailures: Readonly<
  Record<string, Readonly<Partial<Record<SurfaceName, ExpectedFailure>>>>
> = {};

/**
 * By import specifier (bundle.test.ts). None today. An entry reads, for instance:
 * `'neverlose-market': { reason: 'imports node:crypto at its module top', shows: 'node:crypto' }`.
 */
export const expectedBundleFailures: Readonly<Record<string, ExpectedFailure>> = {};

/** The title of a cell's test: its name, and the expected failure when there is one. */
export function cellTitle(name: string, expected: ExpectedFailure | undefined): string {
  return expected ? `${name} fails as expected: ${expected.reason}` : `${name} passes`;
}

/**
 * Checks a cell: no failure when none is expected; else the expected one (and a reminder to take
 * it off the list when the cell passes).
 */
export function checkCell(failures: readonly string[], expected: ExpectedFailure | undefined) {
  if (expected === undefined) {
    if (failures.length > 0) throw new Error(`failed:\n${failures.join('\n')}`);
    return;
  }
  if (failures.length === 0) {
    throw new Error('passes now: take it off test/runtimes/expected-failures.ts');
  }
  if (!failures.some((failure) => failure.includes(expected.shows))) {
    throw new Error(`fails, but not as expected ("${expected.shows}"):\n${failures.join('\n')}`);
  }
}

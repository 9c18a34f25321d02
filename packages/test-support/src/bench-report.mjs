// Shared by every bench script: one JSON shape under bench/results/, so `pnpm bench` can gather them.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

/** The repository's root: the nearest folder above this file that holds `pnpm-workspace.yaml`. */
function workspaceRoot() {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error('bench-report: no pnpm-workspace.yaml above it');
  }
}

/** `bench/results/` of the repository's root, where every bench writes its suite. */
export const resultsDir = join(workspaceRoot(), 'bench', 'results');

/** The machine a figure came from. */
export function machine() {
  const cpu = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

/**
 * Writes `bench/results/<suite>.json`:
 * `{ suite, command, date, machine, figures: [{ name, value, unit, note? }], goals: [{ name, value, target, met }] }`.
 * `NEVERLOSE_BENCH_SUITE_SUFFIX` (set by `pnpm bench` when it runs a bench on another Node.js)
 * is appended to the suite's name, so that each runtime's figures are kept apart.
 */
export function writeSuite(name, { command, figures, goals = [] }) {
  mkdirSync(resultsDir, { recursive: true });
  const suffix = globalThis.process?.env?.['NEVERLOSE_BENCH_SUITE_SUFFIX'];
  const suite = suffix ? `${name}-${suffix}` : name;
  const report = {
    suite,
    command,
    date: new Date().toISOString(),
    machine: machine(),
    figures,
    goals,
  };
  writeFileSync(join(resultsDir, `${suite}.json`), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** Prints a suite's figures and goals as aligned text. */
export function printSuite(report) {
  console.log(`\n== ${report.suite} (${report.command})`);
  const width = Math.max(...report.figures.map((f) => f.name.length));
  for (const f of report.figures) {
    console.log(
      `  ${f.name.padEnd(width)}  ${formatValue(f.value)} ${f.unit}${f.note ? `  (${f.note})` : ''}`,
    );
  }
  for (const g of report.goals) {
    console.log(
      `  goal: ${g.name}: ${g.value.toFixed(2)} (target ${g.target}) ${g.met ? 'met' : 'NOT MET'}`,
    );
  }
}

/** A figure's value as text: integers and large numbers grouped, small ones to two decimals. */
export function formatValue(value) {
  if (typeof value !== 'number') return String(value);
  return value >= 100 || Number.isInteger(value)
    ? Math.round(value).toLocaleString('en-US')
    : value.toFixed(2);
}

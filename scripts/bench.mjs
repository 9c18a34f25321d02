// `pnpm bench`: runs every package's benchmarks in turn, then gathers their figures into one report
// (printed, and written to BENCHMARKS.md's figures section).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatValue, machine, printSuite, resultsDir } from './bench-report.mjs';

const root = join(import.meta.dirname, '..');
const only = process.argv.slice(2);

const scripts = [];
for (const dir of ['packages', 'test']) {
  const base = join(root, dir);
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    const benchDir = entry.isDirectory() ? join(base, entry.name, 'bench') : null;
    if (!benchDir || !existsSync(benchDir)) continue;
    for (const file of readdirSync(benchDir).sort()) {
      if (file.endsWith('.bench.mjs')) scripts.push(join(benchDir, file));
    }
  }
}

// Suites measured by a test (they need the test's fixtures): run through vitest.
const testSuites = [
  { name: 'exactly-once', file: 'test/faults/exactly-once.test.ts' },
  { name: 'postgres-exactly-once', file: 'test/faults/postgres-exactly-once.test.ts' },
  { name: 'redis-failover', file: 'test/multi-instance/failover.test.ts' },
];

const failed = [];
for (const suite of testSuites) {
  if (only.length && !only.some((name) => suite.file.includes(name) || suite.name.includes(name)))
    continue;
  console.log(`\n>>> vitest ${suite.file}`);
  const result = spawnSync(
    'pnpm',
    ['exec', 'vitest', 'run', '--project', 'integration', suite.file],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NEVERLOSE_WRITE_BENCH: '1' },
    },
  );
  if (result.status !== 0) failed.push(suite.file);
}
for (const script of scripts) {
  const relative = script.slice(root.length + 1);
  if (only.length && !only.some((name) => relative.includes(name))) continue;
  console.log(`\n>>> node ${relative}`);
  const result = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed.push(relative);
}

const suites = readdirSync(resultsDir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(join(resultsDir, file), 'utf8')))
  .filter((suite) => Array.isArray(suite.figures));

console.log('\n\n######## Report: every suite\n');
for (const suite of suites) printSuite(suite);

const markdown = suites
  .map((suite) => {
    const rows = suite.figures.map(
      (f) =>
        `| ${f.name} | ${typeof f.value === 'number' ? formatValue(f.value) : f.value} ${f.unit ?? ''}${f.note ? ` (${f.note})` : ''} |`,
    );
    const goals = suite.goals.map(
      (g) =>
        `| goal: ${g.name} | ${g.value.toFixed(2)} (target ${g.target}, ${g.met ? 'met' : '**not met**'}) |`,
    );
    return [
      `### ${suite.suite}`,
      '',
      `\`${suite.command}\` — ${suite.date.slice(0, 10)}, Node ${suite.machine.node}, ${suite.machine.cores} × ${suite.machine.cpu}`,
      '',
      '| figure | value |',
      '| --- | --- |',
      ...rows,
      ...goals,
    ].join('\n');
  })
  .join('\n\n');

const benchmarksPath = join(root, 'BENCHMARKS.md');
if (existsSync(benchmarksPath)) {
  const text = readFileSync(benchmarksPath, 'utf8');
  const start = '<!-- figures:start -->';
  const end = '<!-- figures:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from !== -1 && to > from) {
    const m = machine();
    const header = `Latest run: Node ${m.node}, ${m.platform}, ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB.\n\n`;
    writeFileSync(
      benchmarksPath,
      `${text.slice(0, from + start.length)}\n${header}${markdown}\n${text.slice(to)}`,
    );
    console.log('\nBENCHMARKS.md updated.');
  }
}

if (failed.length) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}

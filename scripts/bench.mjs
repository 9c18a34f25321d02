// `pnpm bench`: runs every package's benchmarks in turn, then gathers their figures into one report
// (printed, and written to BENCHMARKS.md's figures section).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatValue,
  machine,
  printSuite,
  resultsDir,
} from '@neverlose-toolkit/test-support/bench-report';

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
  { name: 'store-matrix', file: 'test/faults/store-matrix.test.ts' },
];

const failed = [];
for (const suite of testSuites) {
  if (only.length && !only.some((name) => suite.file.includes(name) || suite.name.includes(name)))
    continue;
  console.log(`\n>>> vitest ${suite.file}`);
  const result = spawnSync('pnpm', ['exec', 'vitest', 'run', '--project', 'slow', suite.file], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NEVERLOSE_WRITE_BENCH: '1' },
  });
  if (result.status !== 0) failed.push(suite.file);
}
for (const script of scripts) {
  const relative = script.slice(root.length + 1);
  if (only.length && !only.some((name) => relative.includes(name))) continue;
  console.log(`\n>>> node ${relative}`);
  const result = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed.push(relative);
}

// The signing bench again on every other runtime of the runtime matrix (test/runtimes installs
// them from npm), each writing its own suite: market-signing-node-22, -node-24, -node-26, -bun, -deno; and on
// workerd, through Miniflare on Node 22 (test/runtimes/bench-workerd.mjs).
const runtimeBin = (path) => join(root, 'test', 'runtimes', 'node_modules', path);
const signingBench = 'packages/market/bench/signing.bench.mjs';
const onRuntimes = [
  { command: runtimeBin('node22/bin/node'), args: [signingBench], suffix: 'node-22' },
  { command: runtimeBin('node24/bin/node'), args: [signingBench], suffix: 'node-24' },
  { command: runtimeBin('node26/bin/node'), args: [signingBench], suffix: 'node-26' },
  { command: runtimeBin('.bin/bun'), args: [signingBench] },
  { command: runtimeBin('.bin/deno'), args: ['run', '-A', signingBench] },
  { command: runtimeBin('node22/bin/node'), args: ['test/runtimes/bench-workerd.mjs'] },
];
if (!only.length || only.some((name) => signingBench.includes(name) || 'runtimes'.includes(name))) {
  for (const { command, args, suffix } of onRuntimes) {
    console.log(`\n>>> ${command.slice(root.length + 1)} ${args.join(' ')}`);
    const result = spawnSync(command, args, {
      cwd: root,
      stdio: 'inherit',
      env: suffix ? { ...process.env, NEVERLOSE_BENCH_SUITE_SUFFIX: suffix } : process.env,
    });
    if (result.status !== 0) failed.push(`${args.at(-1)} (${command})`);
  }
}

const suites = readdirSync(resultsDir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(join(resultsDir, file), 'utf8')))
  .filter((suite) => Array.isArray(suite.figures));

console.log('\n\n######## Report: every suite\n');
for (const suite of suites) printSuite(suite);

/** One row per runtime of the signing suites: the figures the goals compare, side by side. */
function signingByRuntime() {
  const order = ['market-signing', '-node-22', '-node-24', '-node-26', '-bun', '-deno', '-workerd'];
  const rank = (suite) => order.findIndex((end) => suite.suite.endsWith(end));
  const signing = suites
    .filter((suite) => suite.suite.startsWith('market-signing'))
    .sort((a, b) => rank(a) - rank(b));
  if (signing.length === 0) return '';
  const figure = (suite, name) => suite.figures.find((f) => f.name.startsWith(name))?.value;
  const goal = (suite, name) => suite.goals.find((g) => g.name.startsWith(name));
  const cell = (g) => (g ? `${g.value.toFixed(2)}${g.met ? '' : ' **(goal not met)**'}` : '');
  const rows = signing.map((suite) => {
    const runtime = figure(suite, 'runtime') ?? `node ${suite.machine.node.replace(/^v/, '')}`;
    return `| ${runtime} | ${formatValue(figure(suite, 'signPayload'))} | ${formatValue(figure(suite, 'docs snippet: generate'))} | ${cell(goal(suite, 'signPayload / docs'))} | ${formatValue(figure(suite, 'verifySignature'))} | ${formatValue(figure(suite, 'docs snippet: JSON.parse'))} | ${cell(goal(suite, 'verifySignature / docs'))} |`;
  });
  return [
    '### market-signing on every runtime',
    '',
    'Operations per second; the ratios are the goals (signPayload at least 1× the docs’ snippet, verifySignature at least 0.5×).',
    '',
    '| runtime | signPayload | docs generate | ratio | verifySignature | docs validate | ratio |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '',
  ].join('\n');
}

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
      `${text.slice(0, from + start.length)}\n${header}${signingByRuntime()}${markdown}\n${text.slice(to)}`,
    );
    console.log('\nBENCHMARKS.md updated.');
  }
}

if (failed.length) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}

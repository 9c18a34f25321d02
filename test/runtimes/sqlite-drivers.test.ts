import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/packed.js';
import { hostRuntimes } from './runtimes.js';

// The SQLite stores' own tests and the contract suites every store runs
// (packages/market/test/stores/contracts.test.ts, test/sqlite/durable-stores.test.ts), run by vitest
// on Node.js 22, 24 and 26, where the stores open their files with node:sqlite: the same tests the
// host's Node.js 20 runs on better-sqlite3. (better-sqlite3's native module is built for the host,
// so its cells are skipped there, with the reason.)

const FILES = [
  'packages/market/test/stores/contracts.test.ts',
  'packages/market/test/sqlite/durable-stores.test.ts',
];
const out = mkdtempSync(join(tmpdir(), 'neverlose-sqlite-drivers-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface JsonReport {
  testResults: { assertionResults: { fullName: string; status: string }[] }[];
}

const runtimes = hostRuntimes.filter((runtime) =>
  ['node-22', 'node-24', 'node-26'].includes(runtime.id),
);

describe.each(runtimes)('the SQLite store tests on $id', (runtime) => {
  it('pass on node:sqlite, as on better-sqlite3', async () => {
    const report = join(out, `${runtime.id}.json`);
    const failure = await new Promise<string | undefined>((resolve) => {
      execFile(
        runtime.command,
        [
          join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'),
          'run',
          '--project',
          'market',
          ...FILES,
          '--reporter=json',
          `--outputFile=${report}`,
        ],
        { cwd: repoRoot, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
        (error, _stdout, stderr) =>
          resolve(error ? `${error.message}\n${stderr.slice(-2000)}` : undefined),
      );
    });
    expect(failure).toBeUndefined();
    const results = (JSON.parse(readFileSync(report, 'utf8')) as JsonReport).testResults.flatMap(
      (file) => file.assertionResults,
    );
    const onNodeSqlite = results.filter((result) => result.fullName.includes('(node:sqlite)'));
    // Every suite, for each of the three stores (journal, dedup, tokens).
    expect(onNodeSqlite.length).toBeGreaterThanOrEqual(15);
    expect(results.filter((result) => result.status === 'failed')).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.js';

const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

/** Runs the command in-process, without a database; resolves with its code and output. */
async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    env: {},
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

describe('neverlose-postgres --version', () => {
  it.each(['--version', '-v'])('%s prints the name and the package version', async (flag) => {
    expect(await cli([flag])).toEqual({
      code: 0,
      stdout: `neverlose-postgres ${version}\n`,
      stderr: '',
    });
  });

  it('is named in --help', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/-v, --version +print the name and version/);
  });
});

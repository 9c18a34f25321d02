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

describe('neverlose-postgres bad usage', () => {
  it('names an unknown flag in one line, then prints the help, and exits 2', async () => {
    const { code, stdout, stderr } = await cli(['migrate', '--bogus']);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(
      /^neverlose-postgres: unknown option --bogus\n\nUsage: neverlose-postgres/,
    );
  });

  it('refuses a flag given twice', async () => {
    const { code, stderr } = await cli(['sql', '--schema', 'a', '--schema', 'b']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe('neverlose-postgres: --schema is given twice; give it once');
  });

  it('names an unknown command, and a missing database in one line', async () => {
    const unknown = await cli(['drop']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe('neverlose-postgres: unknown command "drop".');
    expect(await cli(['migrate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'neverlose-postgres: give --url or set DATABASE_URL.\n',
    });
  });
});

describe('neverlose-postgres without a command', () => {
  it('prints the help on stderr and exits 2', async () => {
    const { code, stdout, stderr } = await cli([]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(/^Usage: neverlose-postgres <command>/);
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LISTEN_OPTIONS } from '../src/cli/commands/listen.js';
import { START_OPTIONS } from '../src/cli/commands/start.js';
import { LISTEN_HELP, run, START_HELP } from '../src/cli/main.js';
import { captured, streamIo } from './helpers.js';

const packageDir = resolve(import.meta.dirname, '..');
const repoRoot = resolve(packageDir, '..', '..');
const version = (
  JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** Runs the CLI in-process; resolves with its exit code and what it wrote. */
async function cli(args: string[]) {
  const out = captured();
  const err = captured();
  const code = await run(args, streamIo(out.stream, err.stream));
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('neverlose-emulator --version and --help', () => {
  it.each(['--version', '-v'])('%s prints the name and the package version', async (flag) => {
    expect(await cli([flag])).toEqual({
      code: 0,
      stdout: `neverlose-emulator ${version}\n`,
      stderr: '',
    });
  });

  it.each([
    ['the start command', START_OPTIONS, START_HELP],
    ['listen', LISTEN_OPTIONS, LISTEN_HELP],
  ])('documents every flag of %s in its help', (_, options, help) => {
    for (const name of Object.keys(options)) expect(help).toMatch(new RegExp(`--${name}\\b`));
  });

  it('prints the help of each command', async () => {
    expect(await cli(['--help'])).toMatchObject({ code: 0, stdout: START_HELP });
    expect(await cli(['listen', '-h'])).toMatchObject({ code: 0, stdout: LISTEN_HELP });
  });
});

describe('neverlose-emulator refuses a bad flag, naming it (exit 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nl-emu-cli-'));
  const notJson = join(dir, 'not-json.json');
  writeFileSync(notJson, '{users:');
  const badRule = join(dir, 'bad-rule.json');
  writeFileSync(badRule, '{"users":[{"id":1,"login":"a b"}]}');
  const badWorld = join(dir, 'world.json');
  writeFileSync(badWorld, '{"version":9}');
  const noClients = join(dir, 'no-clients.json');
  writeFileSync(noClients, '{"users":[{"id":1,"login":"a"}]}');

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['-x'], 'unknown option -x'],
    [['--port'], '--port needs a value'],
    [['--port', 'x'], '--port must be 0 to 65535, not "x"'],
    [['--port', '70000'], '--port must be 0 to 65535, not "70000"'],
    [['--port', '1', '--port', '2'], '--port is given twice'],
    [['--host', ''], '--host needs a non-empty value'],
    [['--host', '0.0.0.0'], '--host 0.0.0.0 is not a loopback address: add --admin-token'],
    [['--admin-token', 'short'], '--admin-token must be at least 16 visible ASCII characters'],
    [['--public-url', 'localhost:4010'], '--public-url must be an absolute http(s) URL'],
    [['--redirect-uri', '/callback'], '--redirect-uri must be an absolute http(s) URL'],
    [['--redirect-uri', 'http://127.0.0.1:3000/cb#x'], '--redirect-uri must not have a fragment'],
    [['--config', join(dir, 'missing.json')], 'cannot read it (ENOENT)'],
    [['--config', notJson], `--config ${notJson}: not JSON`],
    [['--config', badRule], `--config ${badRule}: Invalid emulator config: users[0].login`],
    [
      ['--config', noClients, '--redirect-uri', 'http://127.0.0.1:3000/cb'],
      '--redirect-uri: the config has no OAuth client',
    ],
    [['--persist', badWorld], `--persist ${badWorld}: The world file`],
    [['--version', 'extra'], 'unexpected argument "extra"'],
    [['--help=yes'], '--help takes no value'],
  ])('%j', async (args, message) => {
    const result = await cli(args.includes('--port') ? args : ['--port', '0', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Run "neverlose-emulator --help" for the options.');
    expect(result.stdout).toBe('');
  });

  it('exits 1, naming --port, when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const { port } = blocker.address() as { port: number };
    try {
      const result = await cli(['--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
      expect(result.stderr).toContain('--port');
    } finally {
      blocker.close();
    }
  });
});

describe('neverlose-emulator from the repository root', () => {
  it('runs through pnpm exec, as nl-market does', async () => {
    const { stdout } = await promisify(execFile)(
      'pnpm',
      ['exec', 'neverlose-emulator', '--version'],
      {
        cwd: repoRoot,
      },
    );
    expect(stdout).toBe(`neverlose-emulator ${version}\n`);
  });
});

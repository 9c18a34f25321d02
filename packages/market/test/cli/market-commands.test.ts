import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { verifySignature } from '../../src/index.js';
import { DOCS_PURCHASE } from '../webhooks/samples.js';

const ORIGIN = 'https://user-api.neverlose.cc';
const dir = mkdtempSync(join(tmpdir(), 'nl-cli-'));
beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  // The project shares one module graph between files (isolate: false): give the network back.
  nock.enableNetConnect();
  rmSync(dir, { recursive: true, force: true });
});

function cli(
  stdin = '',
  env: Record<string, string> = { NEVERLOSE_USER_ID: '1', NEVERLOSE_API_KEY: 'key' },
) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    readStdin: async () => stdin,
    out: (text) => {
      out.stdout += text;
    },
    err: (text) => {
      out.stderr += text;
    },
    env,
    stdinIsTty: false,
  };
  return { io, out, run: (...argv: string[]) => run(argv, io) };
}

/** Intercepts one method and hands back the body it received. */
function intercept(method: string, reply: object): { body: () => Record<string, unknown> } {
  let received = '';
  nock(ORIGIN)
    .post(`/api/market/${method}`, (body) => {
      received = JSON.stringify(body);
      return true;
    })
    .reply(200, { success: true, succ: true, ...reply });
  return { body: () => JSON.parse(received) as Record<string, unknown> };
}

describe('nl-market call', () => {
  it('calls an action from flags with credentials from the environment', async () => {
    const sent = intercept('gift-product', {});
    const { run, out } = cli();
    expect(
      await run(
        'call',
        'gift-product',
        '--username',
        'darth',
        '--product',
        'cs2',
        '--days',
        '90',
        '--id',
        'order-5',
      ),
    ).toBe(0);
    expect(sent.body()).toMatchObject({
      user_id: 1,
      id: 'order-5',
      username: 'darth',
      product: 'cs2',
      cnt: 1,
    });
    expect(out.stdout).toBe('gift-product: completed, id order-5, 1 attempt(s)\n');
  });

  it('takes parameters as JSON with the API names and prints --json', async () => {
    const sent = intercept('integration-visibility', {});
    const { run, out } = cli();
    expect(
      await run(
        'call',
        'integration-visibility',
        '--params',
        '{"integration_id":100,"is_public":false}',
        '--json',
      ),
    ).toBe(0);
    expect(sent.body()).toMatchObject({ integration_id: 100, is_public: false });
    expect(JSON.parse(out.stdout)).toMatchObject({ status: 'ok' });
  });

  it.each([
    ['give-for-free', ['--username', 'u', '--code', 'C'], {}],
    ['transfer-money', ['--username', 'u', '--amount', '2.5'], {}],
    ['get-prices', ['--product', 'cs2'], { prices: { '30': { cnt: 0, eur: 17.1 } } }],
    [
      'is-user-invited',
      ['--username', 'u', '--product', 'cs2'],
      { cheat_public: true, user_invited: true },
    ],
    ['is-user-exists', ['--username', 'u'], { user_exists: true }],
    ['get-balance', [], { balance: 62.6 }],
    ['set-reseller-prices', ['--integration-id', '100', '--prices', '{"cs2":{"EUR":"10"}}'], {}],
  ])('calls %s', async (method, flags, reply) => {
    intercept(method, reply);
    const { run, out } = cli();
    expect(await run('call', method, ...flags, '--user-id', '7', '--secret', 'flag-key')).toBe(0);
    expect(out.stdout.length).toBeGreaterThan(0);
  });

  it('signs with the flag secret over the bytes sent', async () => {
    let raw = '';
    nock(ORIGIN)
      .post('/api/market/get-balance')
      .reply(200, function reply(_uri, body) {
        raw = typeof body === 'string' ? body : JSON.stringify(body);
        return { success: true, balance: 3 };
      });
    const { run, out } = cli('', {});
    expect(await run('call', 'get-balance', '--user-id', '7', '--secret', 'flag-key')).toBe(0);
    expect(verifySignature(raw, 'flag-key', { strict: true })).toBe(true);
    expect(out.stdout).toBe('balance: 3\n');
  });

  it('exits 1 with the provider message when the API refuses', async () => {
    nock(ORIGIN)
      .post('/api/market/give-for-free')
      .reply(200, { success: false, succ: false, error: 'invalid item' });
    const { run, out } = cli();
    expect(await run('call', 'give-for-free', '--username', 'u', '--code', 'nope')).toBe(1);
    expect(out.stderr).toContain('invalid item');
  });

  it('names the method once in an API error', async () => {
    nock(ORIGIN)
      .post('/api/market/give-for-free')
      .reply(200, { success: false, succ: false, error: 'invalid item' });
    const { run, out } = cli();
    expect(await run('call', 'give-for-free', '--username', 'u', '--code', 'nope')).toBe(1);
    expect(out.stderr).toBe(
      'nl-market call: give-for-free: the API answered "invalid item" (ERR_MARKET_INVALID_ITEM)\n',
    );
  });

  it('takes the API root from NEVERLOSE_MARKET_URL, and --base-url over it', async () => {
    nock('https://emulator.example').post('/api/market/get-balance').reply(200, {
      success: true,
      balance: 5,
    });
    const env = {
      NEVERLOSE_USER_ID: '1',
      NEVERLOSE_API_KEY: 'key',
      NEVERLOSE_MARKET_URL: 'https://emulator.example/api/market',
    };
    const fromEnv = cli('', env);
    expect(await fromEnv.run('call', 'get-balance')).toBe(0);
    expect(fromEnv.out.stdout).toBe('balance: 5\n');

    intercept('get-balance', { balance: 6 });
    const fromFlag = cli('', env);
    expect(await fromFlag.run('call', 'get-balance', '--base-url', `${ORIGIN}/api/market`)).toBe(0);
    expect(fromFlag.out.stdout).toBe('balance: 6\n');
  });

  it('names the host it could not reach', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    nock.enableNetConnect('127.0.0.1');
    try {
      const { run, out } = cli('', {
        NEVERLOSE_USER_ID: '1',
        NEVERLOSE_API_KEY: 'key',
        NEVERLOSE_MARKET_URL: `http://127.0.0.1:${port}/api/market`,
      });
      expect(await run('call', 'get-balance', '--retries', '0')).toBe(2);
      expect(out.stderr).toBe(
        `nl-market call: get-balance: network error reaching 127.0.0.1:${port}: fetch failed (ECONNREFUSED)\n`,
      );
    } finally {
      nock.disableNetConnect();
    }
  });

  it('exits 2 on usage errors, naming the problem', async () => {
    const { run, out } = cli('', {});
    expect(await run('call', 'get-balance')).toBe(2);
    expect(out.stderr).toContain('NEVERLOSE_USER_ID');
    expect(await run('call', 'teleport')).toBe(2);
    expect(
      await run('call', 'get-balance', '--username', 'x', '--user-id', '1', '--secret', 'k'),
    ).toBe(2);
    expect(out.stderr).toContain('unexpected: username');
  });
});

describe('nl-market webhook verify', () => {
  it('prints a valid event', async () => {
    const { run, out } = cli(DOCS_PURCHASE);
    expect(await run('webhook', 'verify', '--secret', 'other', '--secret', 'key')).toBe(0);
    expect(out.stdout).toBe('valid purchase: 0.9 from A49, unique_id 89968, item E3yugw\n');
  });

  it('exits 1 with the code of a refused body', async () => {
    const { run, out } = cli(DOCS_PURCHASE.replace('A49', 'B49'));
    expect(await run('webhook', 'verify', '--json')).toBe(1);
    expect(JSON.parse(out.stdout)).toMatchObject({
      ok: false,
      code: 'ERR_WEBHOOK_BAD_SIGNATURE',
      status: 401,
    });
  });
});

describe('nl-market prices', () => {
  const good = join(dir, 'good.json');
  const bad = join(dir, 'bad.json');
  writeFileSync(
    good,
    JSON.stringify({ 'cs2-30': { EUR: ['30.50', '31.30'] }, marketplace: { EUR: '1.1' } }),
  );
  writeFileSync(bad, JSON.stringify({ 'cs2-45': { EUR: '1' }, cs2: { EUR: ['2', '1'] } }));

  it('validates a good file', async () => {
    const { run, out } = cli();
    expect(await run('prices', 'validate', good)).toBe(0);
    expect(out.stdout).toBe('valid: cs2-30, marketplace\n');
  });

  it('lists every issue of a bad file with its key and rule', async () => {
    const { run, out } = cli();
    expect(await run('prices', 'validate', bad)).toBe(1);
    expect(out.stdout).toContain('"cs2-45"');
    expect(out.stdout).toContain('(unknown-plan)');
    expect(out.stdout).toContain('(range-order)');
  });

  it('pushes a valid file as a JSON string', async () => {
    const sent = intercept('set-reseller-prices', {});
    const { run, out } = cli();
    expect(await run('prices', 'push', good, '--integration-id', '100')).toBe(0);
    expect(JSON.parse(sent.body()['prices'] as string)).toEqual({
      'cs2-30': { EUR: ['30.50', '31.30'] },
      marketplace: { EUR: '1.1' },
    });
    expect(out.stdout).toMatch(/^pushed; these prices expire at /);
  });

  it('does not push an invalid file', async () => {
    const { run } = cli();
    expect(await run('prices', 'push', bad, '--integration-id', '100')).toBe(1);
  });
});

describe('nl-market --version', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-v']) {
      const { run, out } = cli();
      expect(await run(flag)).toBe(0);
      expect(out.stdout).toBe(`nl-market ${version}\n`);
    }
  });
});

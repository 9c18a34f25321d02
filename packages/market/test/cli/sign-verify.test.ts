import {
  PURCHASE_WEBHOOK,
  TRANSFER_WEBHOOK,
} from '@neverlose-toolkit/test-support/signing-docs-examples';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';

function fakeIo(stdin: string | undefined, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    readStdin: async () => stdin ?? '',
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env,
    stdinIsTty: stdin === undefined,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('nl-market sign', () => {
  it('prints the signature of the JSON object on stdin, secret from --secret', async () => {
    const t = fakeIo(
      '{"amount": 0.9, "username": "A49", "unique_id": 89968, "item_id": "E3yugw"}\n',
    );
    expect(await run(['sign', '--secret', 'key'], t.io)).toBe(0);
    expect(t.out()).toBe('dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560\n');
  });

  it('takes the secret from NEVERLOSE_API_KEY and can show the hashed string', async () => {
    const t = fakeIo('{"b": true, "a": 1.0}', { NEVERLOSE_API_KEY: 'key' });
    expect(await run(['sign', '--show-string'], t.io)).toBe(0);
    expect(t.err()).toBe('a1.0bTrue\n');
    expect(t.out()).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it('exits 2 with one line when there is no secret', async () => {
    const t = fakeIo('{"a": 1}');
    expect(await run(['sign'], t.io)).toBe(2);
    expect(t.err()).toBe('nl-market sign: no secret: pass --secret or set NEVERLOSE_API_KEY\n');
  });

  it('exits 2 with the offset when stdin is not JSON', async () => {
    const t = fakeIo('{"a": }');
    expect(await run(['sign', '--secret', 'k'], t.io)).toBe(2);
    expect(t.err()).toMatch(
      /^nl-market sign: Invalid JSON at offset 6: expected a value, found "}"\.\n$/,
    );
  });

  it('exits 2 rather than wait when stdin is a terminal', async () => {
    const t = fakeIo(undefined);
    expect(await run(['sign', '--secret', 'k'], t.io)).toBe(2);
    expect(t.err()).toMatch(/pipe a JSON object on stdin/);
  });
});

describe('nl-market verify', () => {
  it('exits 0 for the docs’ webhooks', async () => {
    for (const body of [PURCHASE_WEBHOOK, TRANSFER_WEBHOOK]) {
      const t = fakeIo(body);
      expect(await run(['verify', '--secret', 'key'], t.io)).toBe(0);
      expect(t.out()).toBe('valid\n');
    }
  });

  it('exits 1 for a wrong signature, and for a tolerant form under --strict', async () => {
    const wrong = fakeIo(PURCHASE_WEBHOOK);
    expect(await run(['verify', '--secret', 'nope'], wrong.io)).toBe(1);
    expect(wrong.out()).toBe('invalid\n');
    const strict = fakeIo(TRANSFER_WEBHOOK);
    expect(await run(['verify', '--secret', 'key', '--strict'], strict.io)).toBe(1);
  });

  it('exits 2 with one line when the signature field is missing', async () => {
    const t = fakeIo('{"a": 1}');
    expect(await run(['verify', '--secret', 'key'], t.io)).toBe(2);
    expect(t.err()).toBe(
      'nl-market verify: The payload has no string "signature" field to verify.\n',
    );
  });

  it('exits 2 on an unknown flag', async () => {
    const t = fakeIo('{}');
    expect(await run(['verify', '--sekret', 'key'], t.io)).toBe(2);
    expect(t.err()).toBe('nl-market verify: unknown option --sekret\n');
  });

  it('exits 2 on a flag given twice, instead of keeping the last one', async () => {
    const t = fakeIo('{"a": 1}');
    expect(await run(['sign', '--secret', 'a', '--secret', 'b'], t.io)).toBe(2);
    expect(t.err()).toBe('nl-market sign: --secret is given twice; give it once\n');
    expect(t.out()).toBe('');
  });
});

describe('nl-market help', () => {
  it('explains both commands and where the secret comes from', async () => {
    const t = fakeIo(undefined);
    expect(await run(['--help'], t.io)).toBe(0);
    expect(t.out()).toMatch(/sign\s+print the signature/);
    expect(t.out()).toMatch(/verify\s+check the signature/);
    expect(t.out()).toMatch(/NEVERLOSE_API_KEY/);
  });

  it('prints a command’s help with the exit codes', async () => {
    const t = fakeIo(undefined);
    expect(await run(['verify', '--help'], t.io)).toBe(0);
    expect(t.out()).toMatch(/Exit status: 0 the signature is valid, 1 it is not, 2 bad input/);
  });

  it('prints the help on stderr and exits 2 when no command is named, as every command line does', async () => {
    const t = fakeIo(undefined);
    expect(await run([], t.io)).toBe(2);
    expect(t.out()).toBe('');
    expect(t.err()).toMatch(/^Usage: nl-market <command>/);
  });

  it('exits 2 for an unknown command', async () => {
    const t = fakeIo(undefined);
    expect(await run(['frobnicate'], t.io)).toBe(2);
    expect(t.err()).toMatch(/unknown command "frobnicate"/);
  });
});

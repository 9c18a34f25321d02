import { afterAll, beforeAll, describe, expect, it, type Mock, vi } from 'vitest';

type Index = typeof import('../../src/index.js');
let signPayload: Index['signPayload'];
let verifySignature: Index['verifySignature'];
let sha256Hex: Mock;

// Count the hashes verification computes; they stay real. The module graph is loaded afresh with
// the counting hash, whatever other test files in the same worker loaded before.
beforeAll(async () => {
  vi.resetModules();
  vi.doMock('../../src/lib/crypto.js', async (importOriginal) => {
    const real = await importOriginal<typeof import('../../src/lib/crypto.js')>();
    return { ...real, sha256Hex: vi.fn(real.sha256Hex) };
  });
  ({ signPayload, verifySignature } = await import('../../src/index.js'));
  sha256Hex = (await import('../../src/lib/crypto.js')).sha256Hex as Mock;
});

afterAll(() => {
  vi.doUnmock('../../src/lib/crypto.js');
  vi.resetModules();
});

const secret = 'form-order-secret';
const event = '{"kind": "transfer", "amount": 3, "username": "bob", "unique_id": 7}';
const withSignature = (signature: string) => event.replace(/\}$/, `, "signature": "${signature}"}`);
let exact: string;
let providerForm: string;
beforeAll(() => {
  exact = withSignature(signPayload(event, secret));
  providerForm = withSignature(
    signPayload('{"amount": 3.0, "username": "bob", "unique_id": 7}', secret),
  );
});

describe('verifySignature form order', () => {
  it('tries the form that matched last first: a run of provider webhooks costs one hash each', () => {
    expect(verifySignature(providerForm, secret)).toBe(true);
    sha256Hex.mockClear();
    expect(verifySignature(providerForm, secret)).toBe(true);
    expect(sha256Hex).toHaveBeenCalledTimes(1);
  });

  it('still accepts every form, whichever matched last, and strict still refuses the tolerant ones', () => {
    for (const body of [providerForm, exact, providerForm, exact])
      expect(verifySignature(body, secret)).toBe(true);
    expect(verifySignature(providerForm, secret, { strict: true })).toBe(false);
    expect(verifySignature(exact, secret, { strict: true })).toBe(true);
  });

  it('tries every applicable form before refusing', () => {
    sha256Hex.mockClear();
    expect(verifySignature(withSignature('0'.repeat(64)), secret)).toBe(false);
    expect(sha256Hex).toHaveBeenCalledTimes(4);
  });
});

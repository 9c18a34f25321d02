import { describe, expect, it, vi } from 'vitest';
import { signPayload, verifySignature } from '../../src/index.js';
import * as crypto from '../../src/lib/crypto.js';

// Count the hashes verification computes; they stay real.
vi.mock('../../src/lib/crypto.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/lib/crypto.js')>();
  return { ...real, sha256Hex: vi.fn(real.sha256Hex) };
});

const secret = 'form-order-secret';
const event = '{"kind": "transfer", "amount": 3, "username": "bob", "unique_id": 7}';
const withSignature = (signature: string) => event.replace(/\}$/, `, "signature": "${signature}"}`);
const exact = withSignature(signPayload(event, secret));
const providerForm = withSignature(
  signPayload('{"amount": 3.0, "username": "bob", "unique_id": 7}', secret),
);

describe('verifySignature form order', () => {
  it('tries the form that matched last first: a run of provider webhooks costs one hash each', () => {
    expect(verifySignature(providerForm, secret)).toBe(true);
    vi.mocked(crypto.sha256Hex).mockClear();
    expect(verifySignature(providerForm, secret)).toBe(true);
    expect(crypto.sha256Hex).toHaveBeenCalledTimes(1);
  });

  it('still accepts every form, whichever matched last, and strict still refuses the tolerant ones', () => {
    for (const body of [providerForm, exact, providerForm, exact])
      expect(verifySignature(body, secret)).toBe(true);
    expect(verifySignature(providerForm, secret, { strict: true })).toBe(false);
    expect(verifySignature(exact, secret, { strict: true })).toBe(true);
  });

  it('tries every applicable form before refusing', () => {
    vi.mocked(crypto.sha256Hex).mockClear();
    expect(verifySignature(withSignature('0'.repeat(64)), secret)).toBe(false);
    expect(crypto.sha256Hex).toHaveBeenCalledTimes(4);
  });
});

import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from '../../src/index.js';

const secret = 'test-secret';
const signedOver = (raw: string) => signPayload(raw, secret);
const withSignature = (raw: string, signature: string) =>
  raw.replace(/\}$/, `, "signature": "${signature}"}`);

describe('verifySignature forms', () => {
  const event = '{"kind": "transfer", "amount": 3, "username": "bob", "unique_id": 7}';

  it('accepts a signature that covers kind (form 1)', () => {
    expect(verifySignature(withSignature(event, signedOver(event)), secret)).toBe(true);
  });

  it('accepts a signature that leaves kind out (form 2)', () => {
    const signature = signedOver('{"amount": 3, "username": "bob", "unique_id": 7}');
    expect(verifySignature(withSignature(event, signature), secret)).toBe(true);
  });

  it('accepts an integral amount signed as a Python float, with or without kind (form 3)', () => {
    const withKind = signedOver(
      '{"kind": "transfer", "amount": 3.0, "username": "bob", "unique_id": 7}',
    );
    const withoutKind = signedOver('{"amount": 3.0, "username": "bob", "unique_id": 7}');
    expect(verifySignature(withSignature(event, withKind), secret)).toBe(true);
    expect(verifySignature(withSignature(event, withoutKind), secret)).toBe(true);
  });

  it('accepts the same forms from a parsed object', () => {
    const signature = signedOver('{"amount": 3.0, "username": "bob", "unique_id": 7}');
    expect(verifySignature({ ...JSON.parse(event), signature }, secret)).toBe(true);
  });

  it('refuses every tolerant form when strict', () => {
    const signature = signedOver('{"amount": 3.0, "username": "bob", "unique_id": 7}');
    expect(verifySignature(withSignature(event, signature), secret, { strict: true })).toBe(false);
    expect(verifySignature(withSignature(event, signedOver(event)), secret, { strict: true })).toBe(
      true,
    );
  });

  it('does not render a float amount as an int: 3.0 in the body must be signed as 3.0', () => {
    const body = '{"kind": "transfer", "amount": 3.0, "username": "bob", "unique_id": 7}';
    const signatureOverInt = signedOver(
      '{"kind": "transfer", "amount": 3, "username": "bob", "unique_id": 7}',
    );
    expect(verifySignature(withSignature(body, signatureOverInt), secret)).toBe(false);
  });

  it('drops no field but kind: a signature without username does not verify', () => {
    const signature = signedOver('{"kind": "transfer", "amount": 3, "unique_id": 7}');
    expect(verifySignature(withSignature(event, signature), secret)).toBe(false);
  });

  it('applies the float form to amount only', () => {
    const body = '{"amount": 3, "unique_id": 7}';
    const signature = signedOver('{"amount": 3, "unique_id": 7.0}');
    expect(verifySignature(withSignature(body, signature), secret)).toBe(false);
  });

  it('requires 64 lowercase hex characters', () => {
    const signature = signedOver(event);
    expect(verifySignature(withSignature(event, signature.toUpperCase()), secret)).toBe(false);
    expect(verifySignature(withSignature(event, signature.slice(1)), secret)).toBe(false);
    expect(verifySignature(withSignature(event, ` ${signature.slice(1)}`), secret)).toBe(false);
  });

  it('throws ERR_SIGNATURE_MISSING when there is no string signature', () => {
    expect(() => verifySignature(event, secret)).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNATURE_MISSING' }),
    );
    expect(() => verifySignature('{"a": 1, "signature": 5}', secret)).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNATURE_MISSING' }),
    );
  });

  it('throws ERR_SIGNING_INVALID_JSON with the offset for text that is not JSON', () => {
    expect(() => verifySignature('{"a": 1,}', secret)).toThrow(
      expect.objectContaining({
        code: 'ERR_SIGNING_INVALID_JSON',
        message: expect.stringContaining('offset 8'),
      }),
    );
  });

  it.each([
    ['NaN', '{"a": NaN}'],
    ['a trailing comma', '[1,]'],
    ['a leading zero', '{"a": 01}'],
    ['single quotes', "{'a': 1}"],
    ['a raw control character', '{"a": "\u0001"}'],
    ['a byte order mark', '\uFEFF{"a": 1}'],
    ['trailing text', '{"a": 1} x'],
    ['a bad escape', '{"a": "\\x41"}'],
  ])('refuses %s as invalid JSON', (_, raw) => {
    expect(() => signPayload(raw, secret)).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNING_INVALID_JSON' }),
    );
  });

  it('refuses nesting deeper than 64 levels instead of overflowing the stack', () => {
    const deep = `{"a": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => signPayload(deep, secret)).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNING_INVALID_JSON' }),
    );
  });

  it('keeps Python’s last value for a duplicate key', () => {
    expect(signPayload('{"a": 1, "a": 2}', secret)).toBe(signPayload('{"a": 2}', secret));
  });
});

import { describe, expect, it } from 'vitest';
import { signPayload, verifyWebhook } from '../../src/index.js';
import { DOCS_PURCHASE, DOCS_SECRET, DOCS_TRANSFER, purchase, signedBody } from './samples.js';

describe('verifyWebhook', () => {
  it("accepts the docs' purchase example, whose signature does not cover kind", () => {
    expect(verifyWebhook(DOCS_PURCHASE, DOCS_SECRET)).toEqual({
      kind: 'purchase',
      amount: 0.9,
      amountText: '0.9',
      username: 'A49',
      uniqueId: 89968,
      itemId: 'E3yugw',
      signature: 'dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560',
    });
  });

  it("accepts the docs' transfer example, signed as amount 1.0, and keeps the amount text", () => {
    const event = verifyWebhook(new TextEncoder().encode(DOCS_TRANSFER), DOCS_SECRET);
    expect(event).toMatchObject({
      kind: 'transfer',
      amount: 1,
      amountText: '1',
      uniqueId: 22,
      username: 'A49',
    });
    expect(event).not.toHaveProperty('itemId');
  });

  it('keeps the exact decimal text of the amount', () => {
    const body = `{"kind":"transfer","amount":10.10,"username":"u","unique_id":5}`;
    const signed = body.replace('}', `,"signature":"${signPayload(body, 's')}"}`);
    expect(verifyWebhook(signed, 's')).toMatchObject({ amount: 10.1, amountText: '10.10' });
  });

  it('accepts any of several secrets (key rotation)', () => {
    expect(verifyWebhook(DOCS_PURCHASE, ['new-key', DOCS_SECRET]).kind).toBe('purchase');
  });

  it('refuses a bad signature with 401', () => {
    const error = (() => {
      try {
        verifyWebhook(DOCS_PURCHASE, 'wrong');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toMatchObject({ code: 'ERR_WEBHOOK_BAD_SIGNATURE', status: 401 });
  });

  it('refuses a tampered amount', () => {
    expect(() => verifyWebhook(DOCS_PURCHASE.replace('0.9', '9.9'), DOCS_SECRET)).toThrow(
      expect.objectContaining({ code: 'ERR_WEBHOOK_BAD_SIGNATURE' }),
    );
  });

  it('refuses a re-split payload whose signature still matches', () => {
    // "usernam" + "eA49" signs exactly as "username" + "A49".
    const body = `{"amount":1.0,"unique_id":22,"usernam":"eA49","kind":"transfer","signature":"51a6c1c281c4cd8c4e020f89cc3bdca6aa6c0747fc33f7112ef041064bd864a2"}`;
    expect(() => verifyWebhook(body, DOCS_SECRET)).toThrow(
      expect.objectContaining({
        code: 'ERR_WEBHOOK_INVALID_SHAPE',
        message: expect.stringMatching(/missing username; unexpected usernam/),
      }),
    );
  });

  it('refuses a transfer relabelled as a purchase (kind is not signed in the docs form)', () => {
    const body = DOCS_TRANSFER.replace('"transfer"', '"purchase"');
    expect(() => verifyWebhook(body, DOCS_SECRET)).toThrow(
      expect.objectContaining({
        code: 'ERR_WEBHOOK_INVALID_SHAPE',
        message: expect.stringMatching(/missing item_id/),
      }),
    );
  });

  it('gives an unknown kind a clear error', () => {
    const body = signedBody({ kind: 'refund', amount: 1, username: 'u', unique_id: 1 });
    expect(() => verifyWebhook(body, DOCS_SECRET)).toThrow(
      expect.objectContaining({
        code: 'ERR_WEBHOOK_UNKNOWN_KIND',
        message: expect.stringContaining('"refund"'),
      }),
    );
  });

  it.each([
    ['a string amount', { amount: '2.5' }, /amount/],
    ['a float unique_id', { unique_id: 1.5 }, /unique_id/],
    ['an empty username', { username: '' }, /username/],
    ['a numeric item_id', { item_id: 7 }, /item_id/],
    ['an extra field', { note: 'x' }, /unexpected note/],
    ['no kind', { kind: undefined }, /kind/],
  ])('refuses %s', (_name, change, message) => {
    const fields = {
      kind: 'purchase',
      amount: 2.5,
      username: 'buyer',
      unique_id: 1,
      item_id: 'ITEM1',
      ...change,
    };
    expect(() => verifyWebhook(signedBody(fields), DOCS_SECRET)).toThrow(
      expect.objectContaining({
        code: 'ERR_WEBHOOK_INVALID_SHAPE',
        message: expect.stringMatching(message),
      }),
    );
  });

  it('refuses a repeated field', () => {
    const body = purchase(1).replace('"username":"buyer"', '"username":"buyer","username":"other"');
    expect(() => verifyWebhook(body, DOCS_SECRET)).toThrow(
      expect.objectContaining({
        code: 'ERR_WEBHOOK_DUPLICATE_KEY',
        message: expect.stringContaining('"username"'),
      }),
    );
  });

  it('refuses a repeated field even when the signature covers its last value', () => {
    // Python keeps the last "username", so this signature verifies; the event is still ambiguous.
    const signed = '{"amount": 1.0, "username": "mallory", "unique_id": 5}';
    const body = `{"kind":"transfer","amount":1,"username":"alice","username":"mallory","unique_id":5,"signature":"${signPayload(signed, DOCS_SECRET)}"}`;
    expect(() => verifyWebhook(body, DOCS_SECRET)).toThrow(
      expect.objectContaining({ code: 'ERR_WEBHOOK_DUPLICATE_KEY' }),
    );
  });

  it('keeps the amount text exactly as sent, exponent included', () => {
    const signed = '{"amount": 1.5e1, "username": "bob", "unique_id": 9}';
    const body = `{"kind":"transfer","amount":1.5e1,"username":"bob","unique_id":9,"signature":"${signPayload(signed, DOCS_SECRET)}"}`;
    expect(verifyWebhook(body, DOCS_SECRET)).toMatchObject({ amount: 15, amountText: '1.5e1' });
  });

  it('refuses an amount beyond the range of a double', () => {
    const signed = '{"amount": 1e400, "username": "bob", "unique_id": 9}';
    const body = `{"kind":"transfer","amount":1e400,"username":"bob","unique_id":9,"signature":"${signPayload(signed, DOCS_SECRET)}"}`;
    expect(() => verifyWebhook(body, DOCS_SECRET)).toThrow(
      expect.objectContaining({ code: 'ERR_WEBHOOK_INVALID_SHAPE' }),
    );
  });

  it('refuses bad JSON, invalid UTF-8, non-objects and a missing signature', () => {
    expect(() => verifyWebhook('{"kind":', DOCS_SECRET)).toThrow(
      expect.objectContaining({ code: 'ERR_WEBHOOK_INVALID_JSON' }),
    );
    expect(() => verifyWebhook(new Uint8Array([0x7b, 0xff, 0x7d]), DOCS_SECRET)).toThrow(
      expect.objectContaining({ code: 'ERR_WEBHOOK_INVALID_JSON' }),
    );
    expect(() => verifyWebhook('[1]', DOCS_SECRET)).toThrow(
      expect.objectContaining({ code: 'ERR_WEBHOOK_INVALID_SHAPE' }),
    );
    expect(() => verifyWebhook('{"kind":"transfer"}', DOCS_SECRET)).toThrow(
      expect.objectContaining({ code: 'ERR_WEBHOOK_SIGNATURE_MISSING', status: 401 }),
    );
  });

  it('refuses an empty secret list', () => {
    expect(() => verifyWebhook(DOCS_PURCHASE, [])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });
});

describe('verifyWebhook with nested values', () => {
  it('refuses a signed event carrying an object where a scalar belongs', () => {
    const body = signedBody({ kind: 'transfer', amount: 1, username: { name: 'x' }, unique_id: 3 });
    expect(() => verifyWebhook(body, DOCS_SECRET)).toThrow(
      expect.objectContaining({
        code: 'ERR_WEBHOOK_INVALID_SHAPE',
        message: expect.stringMatching(/username/),
      }),
    );
  });

  it('refuses a body the provider could not have signed (non-ASCII text in a nested value)', () => {
    const body =
      '{"kind":"transfer","amount":1,"username":["я"],"unique_id":3,"signature":"' +
      'a'.repeat(64) +
      '"}';
    expect(() => verifyWebhook(body, DOCS_SECRET)).toThrow(
      expect.objectContaining({ code: 'ERR_WEBHOOK_INVALID_SHAPE' }),
    );
  });
});

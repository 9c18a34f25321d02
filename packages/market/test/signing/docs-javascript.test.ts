import { createHash } from 'node:crypto';
import {
  PURCHASE_WEBHOOK,
  TRANSFER_MONEY_REQUEST,
  TRANSFER_WEBHOOK,
} from '@neverlose-toolkit/test-support/signing-docs-examples';
import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from '../../src/index.js';

// What the provider's JavaScript snippet does, in behaviour: keys in JavaScript's default sort
// order, each value through String(), the secret appended, SHA-256 in hex. Where it parts from
// the Python reference is docs/provider-facts.md#mistakes-in-published-code.
function docsSnippetSignature(payload: Record<string, unknown>, secret: string): string {
  let text = '';
  for (const key of Object.keys(payload).sort()) text += key + String(payload[key]);
  return createHash('sha256')
    .update(text + secret)
    .digest('hex');
}

function parsedWithout(raw: string, ...fields: string[]): Record<string, unknown> {
  const payload = JSON.parse(raw) as Record<string, unknown>;
  for (const field of fields) delete payload[field];
  return payload;
}

describe('the docs’ JavaScript signing snippet', () => {
  it('agrees with the reference on the docs’ purchase example, whose values render alike', () => {
    const event = parsedWithout(PURCHASE_WEBHOOK, 'kind', 'signature');
    expect(docsSnippetSignature(event, 'key')).toBe(
      'dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560',
    );
  });

  it('fails the docs’ own transfer example: it signs amount 1 where the provider signed 1.0', () => {
    const event = parsedWithout(TRANSFER_WEBHOOK, 'kind', 'signature');
    const published = '51a6c1c281c4cd8c4e020f89cc3bdca6aa6c0747fc33f7112ef041064bd864a2';
    expect(docsSnippetSignature(event, 'key')).not.toBe(published);
    expect(verifySignature(TRANSFER_WEBHOOK, 'key')).toBe(true);
  });

  it('signs booleans, null, integral floats and nested values unlike the reference', () => {
    const cases: Record<string, unknown>[] = [
      { user_id: 1, integration_id: 100, is_public: true },
      { user_id: 1, note: null },
      { user_id: 1, prices: { 'cs2-30': { EUR: '1.1' } } },
    ];
    for (const payload of cases) {
      expect(docsSnippetSignature(payload, 'key')).not.toBe(signPayload(payload, 'key'));
    }
    // An integral float exists only in the body's text: JSON.parse turns 2.00 into 2.
    const request = parsedWithout(TRANSFER_MONEY_REQUEST, 'signature');
    expect(docsSnippetSignature(request, 'key')).not.toBe(
      signPayload(TRANSFER_MONEY_REQUEST.replace(/,\s*"signature"[^}]*/, ''), 'key'),
    );
  });

  it('orders keys beyond U+FFFF by UTF-16 code unit, unlike the reference’s code point order', () => {
    const payload = { '\u{1F600}': 'a', '\uFFFD': 'b' };
    expect(docsSnippetSignature(payload, 'key')).not.toBe(signPayload(payload, 'key'));
  });

  it('agrees on strings and integers, which is why it passes a quick check', () => {
    const payload = { user_id: 1, id: 1338, username: 'darth', code: 'E3yugw' };
    expect(docsSnippetSignature(payload, 'key')).toBe(signPayload(payload, 'key'));
  });
});

// neverlose-market/signing: signPayload, verifySignature and signRequest, on the docs' examples.

import { PURCHASE_WEBHOOK } from '@neverlose-toolkit/test-support/signing-docs-examples';
import { signPayload, signRequest, verifySignature } from 'neverlose-market/signing';
import { assert, surface } from '../harness.js';

/** SHA-256 hex of `text` with Web Crypto: an oracle independent of the package's own hashing. */
async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

export default surface('market signing', (check) => {
  check('signPayload reproduces the docs’ purchase signature', () => {
    const event = { amount: 0.9, username: 'A49', unique_id: 89968, item_id: 'E3yugw' };
    assert.equal(
      signPayload(event, 'key'),
      'dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560',
      'signature',
    );
  });

  check('signs 2.0 as Python does, and orders keys beyond U+FFFF by code point', async () => {
    const float = await sha256Hex('amount2.0id1secret');
    assert.equal(signPayload('{"amount": 2.0, "id": 1}', 'secret'), float, 'a float');
    const astral = await sha256Hex('zc\uFFFDb\u{1F600}asecret');
    const payload = { '\u{1F600}': 'a', '\uFFFD': 'b', z: 'c' };
    assert.equal(signPayload(payload, 'secret'), astral, 'the key order');
  });

  check('verifySignature accepts the docs’ purchase webhook and refuses it altered', () => {
    assert.equal(verifySignature(PURCHASE_WEBHOOK, 'key'), true, 'genuine');
    assert.equal(verifySignature(PURCHASE_WEBHOOK, 'other'), false, 'another secret');
    const edited = PURCHASE_WEBHOOK.replace('"A49"', '"A50"');
    assert.equal(verifySignature(edited, 'key'), false, 'an edited field');
  });

  check('signRequest returns a body whose signature verifies and covers every field', () => {
    const payload = { user_id: 1, id: 'order-17', username: 'a49', amount: 2 };
    const { body, signature } = signRequest(payload, 'secret');
    assert.equal(JSON.parse(body).signature, signature, 'the body’s signature field');
    assert.equal(verifySignature(body, 'secret'), true, 'the body verifies');
    assert.equal(verifySignature(body.replace('a49', 'a50'), 'secret'), false, 'an edited body');
  });
});

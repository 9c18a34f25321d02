// neverlose-market's signing: signPayload, verifySignature and signRequest, on the docs' examples.
import { signingString, signPayload, signRequest, verifySignature } from 'neverlose-market';
import { PURCHASE_WEBHOOK } from '../../../packages/market/test/signing/docs-examples.js';
import { assert, surface } from '../harness.js';

export default surface('market signing', (check) => {
  check('signPayload reproduces the docs’ purchase signature', () => {
    const event = { amount: 0.9, username: 'A49', unique_id: 89968, item_id: 'E3yugw' };
    assert.equal(
      signPayload(event, 'key'),
      'dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560',
      'signature',
    );
  });

  check('signs 2.0 as Python does, and orders keys beyond U+FFFF by code point', () => {
    assert.equal(signingString('{"amount": 2.0, "id": 1}'), 'amount2.0id1', 'float');
    const astral = { '\u{1F600}': 'a', '\uFFFD': 'b', z: 'c' };
    assert.equal(signingString(astral), 'zc\uFFFDb\u{1F600}a', 'key order');
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

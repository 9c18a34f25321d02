import {
  GIVE_FOR_FREE_REQUEST,
  PURCHASE_WEBHOOK,
  TRANSFER_MONEY_REQUEST,
  TRANSFER_WEBHOOK,
} from '@neverlose-toolkit/test-support/signing-docs-examples';
import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from '../../src/index.js';
import { signingString } from '../../src/signing/sign.js';

describe('the docs’ examples', () => {
  it('verifies the purchase webhook, whose signature does not cover kind', () => {
    expect(verifySignature(PURCHASE_WEBHOOK, 'key')).toBe(true);
  });

  it('verifies the transfer webhook, signed over amount 1.0 although its JSON shows 1', () => {
    expect(verifySignature(TRANSFER_WEBHOOK, 'key')).toBe(true);
  });

  // docs/provider-facts.md#signatures
  it('builds the signed strings the docs’ webhooks were signed over', () => {
    const purchase = JSON.parse(PURCHASE_WEBHOOK) as Record<string, unknown>;
    delete purchase['kind'];
    expect(signingString(purchase)).toBe('amount0.9item_idE3yugwunique_id89968usernameA49');
    expect(signingString('{"amount": 1.0, "username": "A49", "unique_id": 22}')).toBe(
      'amount1.0unique_id22usernameA49',
    );
  });

  it('reproduces the purchase signature from the docs’ Python generation input', () => {
    const event = { amount: 0.9, username: 'A49', unique_id: 89968, item_id: 'E3yugw' };
    expect(signPayload(event, 'key')).toBe(
      'dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560',
    );
  });

  it('does not verify the request examples, whose signatures are placeholders', () => {
    expect(verifySignature(GIVE_FOR_FREE_REQUEST, 'key')).toBe(false);
    expect(verifySignature(TRANSFER_MONEY_REQUEST, 'key')).toBe(false);
  });

  it('signs the docs’ transfer request amount 2.00 as the float 2.0, not 2', () => {
    expect(signingString(TRANSFER_MONEY_REQUEST)).toBe('amount2.0id1337user_id1usernamea49');
    expect(signingString({ user_id: 1, id: 1337, username: 'a49', amount: 2 })).toBe(
      'amount2id1337user_id1usernamea49',
    );
  });

  it('fails the purchase webhook under a different secret or a tampered field', () => {
    expect(verifySignature(PURCHASE_WEBHOOK, 'other')).toBe(false);
    expect(verifySignature(PURCHASE_WEBHOOK.replace('"A49"', '"A50"'), 'key')).toBe(false);
    expect(verifySignature(PURCHASE_WEBHOOK.replace('0.9', '9.0'), 'key')).toBe(false);
  });
});

import { signRequest } from '../../src/index.js';

/** The docs' purchase example (signed without "kind", secret "key"). */
export const DOCS_PURCHASE =
  '{"kind":"purchase","amount":0.9,"username":"A49","unique_id":89968,"item_id":"E3yugw","signature":"dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560"}';
/** The docs' transfer example (signed as amount 1.0 without "kind", secret "key"). */
export const DOCS_TRANSFER =
  '{\n  "kind": "transfer",\n  "amount": 1,\n  "username": "A49",\n  "unique_id": 22,\n  "signature": "51a6c1c281c4cd8c4e020f89cc3bdca6aa6c0747fc33f7112ef041064bd864a2"\n}';
export const DOCS_SECRET = 'key';

/** A body signed over every field, as `signRequest` sends it. */
export function signedBody(fields: Record<string, unknown>, secret = DOCS_SECRET): string {
  return signRequest(fields, secret).body;
}

export function purchase(uniqueId: number, extra: Record<string, unknown> = {}): string {
  return signedBody({
    kind: 'purchase',
    amount: 2.5,
    username: 'buyer',
    unique_id: uniqueId,
    item_id: 'ITEM1',
    ...extra,
  });
}

// Sign and verify as the provider's Python reference does: npx tsx signing.ts
import { signPayload, signRequest, verifySignature } from 'neverlose-market/signing';

const apiKey = process.env.NEVERLOSE_API_KEY;
if (!apiKey) throw new Error('Set NEVERLOSE_API_KEY to your market API key.');

// Sign an object: what the server computes for the JSON a client sends for it.
const signature = signPayload({ user_id: 1, id: 'order-17', username: 'a49', amount: 2 }, apiKey);

// Or get the exact body to send, signed over exactly those bytes.
const { body } = signRequest({ user_id: 1, id: 'order-17', username: 'a49', amount: 2 }, apiKey);
console.log(signature, body);

// Verify a webhook from its raw body (a parsed object has lost `1.0` versus `1`): the docs'
// purchase example, signed with the docs' key "key".
const rawBody =
  '{"kind":"purchase","amount":0.9,"username":"A49","unique_id":89968,"item_id":"E3yugw","signature":"dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560"}';
console.log(verifySignature(rawBody, 'key') ? 'valid' : 'invalid: answer 401, ignore the event');

import { signPayload, signRequest, verifySignature } from 'neverlose-market/signing';

// Sign an object: what the server computes for the JSON a client sends for it.
export const signature = signPayload(
  { user_id: 1, id: 'order-17', username: 'a49', amount: 2 },
  apiKey,
);

// Or get the exact body to send, signed over exactly those bytes.
export const { body } = signRequest(
  { user_id: 1, id: 'order-17', username: 'a49', amount: 2 },
  apiKey,
);

// Verify a webhook from its raw body (a parsed object has lost `1.0` versus `1`).
if (!verifySignature(rawBody, apiKey)) {
  // answer 401 and ignore the event
}

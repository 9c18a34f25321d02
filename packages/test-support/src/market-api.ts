/** `signPayload` of `neverlose-market/signing`, passed in: this package depends on no package it tests. */
export type SignPayload = (payload: Record<string, string | number>, secret: string) => string;

const MARKET_API = 'https://user-api.neverlose.cc/api/market';

/**
 * A `fetch` that sends what a snippet sends to the provider's market API to the emulator instead,
 * so a README snippet runs as written (its client on the default base URL).
 */
export function fetchToEmulator(emulatorUrl: string): typeof fetch {
  const realFetch = globalThis.fetch;
  return (input, init) =>
    realFetch(
      String(input instanceof Request ? input.url : input).replace(
        MARKET_API,
        `${emulatorUrl}/api/market`,
      ),
      init,
    );
}

/** A transfer webhook as the provider sends it, signed with `apiKey` by `sign`. */
export function transferWebhook(uniqueId: number, apiKey: string, sign: SignPayload): Request {
  const fields = { amount: 1.25, username: 'alice', unique_id: uniqueId };
  return new Request('http://shop.test/webhooks', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'transfer', ...fields, signature: sign(fields, apiKey) }),
  });
}

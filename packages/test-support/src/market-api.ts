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

/**
 * Transfer webhooks as the provider sends them, signed by `sign` (`signPayload` of
 * `neverlose-market/signing`): `transferWebhookSignedBy(signPayload)(uniqueId, apiKey)`.
 */
export function transferWebhookSignedBy(sign: SignPayload) {
  return (uniqueId: number, apiKey: string): Request => {
    const fields = { amount: 1.25, username: 'alice', unique_id: uniqueId };
    return new Request('http://shop.test/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'transfer', ...fields, signature: sign(fields, apiKey) }),
    });
  };
}

import { MarketClient, type MarketClientOptions } from '../../src/index.js';

export const ORIGIN = 'https://user-api.neverlose.cc';
export const SECRET = 'test-secret';

/** One request as it left the client. */
export interface SentRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** A client whose fetch records every request before handing it to the global fetch (nock). */
export function recordingClient(options: Partial<MarketClientOptions> = {}): {
  client: MarketClient;
  sent: SentRequest[];
} {
  const sent: SentRequest[] = [];
  const client = new MarketClient({
    userId: 1,
    secret: SECRET,
    retryBaseMs: 1,
    retryMaxMs: 2,
    fetch: (url, init) => {
      sent.push({
        url,
        body: String(init.body),
        headers: { ...(init.headers as Record<string, string>) },
      });
      return fetch(url, init);
    },
    ...options,
  });
  return { client, sent };
}

export const ok = (extra: Record<string, unknown> = {}) => ({
  succ: true,
  success: true,
  ...extra,
});
export const failure = (error: string) => ({ succ: false, success: false, error });

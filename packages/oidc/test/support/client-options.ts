import type { NeverloseClientOptions } from '../../src/index.js';

/** The redirect URI the tests' clients register (nothing listens there). */
export const TEST_REDIRECT_URI = 'http://localhost:3000/auth/neverlose/callback';

/**
 * The options of a client of a local test provider (the hostile one, the emulator), over plain
 * HTTP, with `overrides`.
 */
export function clientOptionsAt(
  provider: { readonly clientId: string; readonly clientSecret: string; readonly issuer: string },
  overrides: Partial<NeverloseClientOptions> = {},
): NeverloseClientOptions {
  return {
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    redirectUri: TEST_REDIRECT_URI,
    issuer: provider.issuer,
    dangerouslyAllowInsecureHttp: true,
    ...overrides,
  };
}

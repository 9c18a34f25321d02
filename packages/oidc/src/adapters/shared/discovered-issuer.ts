import { NeverloseOidcError } from '../../errors.js';
import { quote } from '../../lib/quote.js';

/**
 * @internal Refuses a discovery document that names another issuer than the one it was read
 * from, as the core does (OpenID Connect Discovery §4.3): for a framework that trusts whatever
 * issuer the document names (next-auth v4), every later check would compare against it.
 *
 * @throws {NeverloseOidcError} `ERR_DISCOVERY_FAILED`.
 */
export function assertDiscoveredIssuer(discovered: unknown, configured: string): void {
  if (discovered === configured) return;
  const named = typeof discovered === 'string' ? quote(discovered) : 'no issuer';
  throw new NeverloseOidcError(
    'ERR_DISCOVERY_FAILED',
    `The discovery document of ${configured} cannot be used: it names ${named}, not the issuer it was read from (OpenID Connect Discovery §4.3).`,
  );
}

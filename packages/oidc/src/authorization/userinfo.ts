import * as oidc from 'openid-client';
import type { ProviderConfiguration } from '../configuration.js';
import { NeverloseOidcError } from '../errors.js';
import { challengeErrorOf, hasCode, toNeverloseError } from '../lib/openid-errors.js';
import type { NeverloseClaims } from '../profile.js';

/**
 * @internal Reads the userinfo endpoint with `accessToken`. With `expectedSub` (the id_token's),
 * a userinfo about another user is refused (OIDC Core §5.3.2).
 *
 * @throws {NeverloseOidcError} `ERR_USERINFO_FAILED` (a refusal, an answer that is not claims, or
 *   another `sub`), `ERR_NETWORK`, `ERR_TIMEOUT`.
 */
export async function fetchUserinfo(
  provider: ProviderConfiguration,
  clientId: string,
  accessToken: string,
  expectedSub: string | undefined,
): Promise<NeverloseClaims> {
  try {
    return (await oidc.fetchUserInfo(
      provider.config,
      accessToken,
      expectedSub ?? oidc.skipSubjectCheck,
    )) as NeverloseClaims;
  } catch (error) {
    if (hasCode(error, 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED')) {
      throw new NeverloseOidcError(
        'ERR_USERINFO_FAILED',
        'The userinfo "sub" is not the id_token "sub": the answers are about different users.',
        { cause: error },
      );
    }
    throw toNeverloseError(error, 'userinfo', await challengeErrorOf(error), clientId);
  }
}

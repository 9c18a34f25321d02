import { NeverloseOidcError, type NeverloseOidcErrorCode } from '../errors.js';

/** @internal The step that failed, which decides the code of a provider-side failure. */
export type Step = 'discovery' | 'token' | 'userinfo';

const STEP_CODE: Record<Step, NeverloseOidcErrorCode> = {
  discovery: 'ERR_DISCOVERY_FAILED',
  token: 'ERR_TOKEN_EXCHANGE_FAILED',
  userinfo: 'ERR_USERINFO_FAILED',
};
const STEP_TEXT: Record<Step, string> = {
  discovery: 'Discovery failed',
  token: 'The token exchange failed',
  userinfo: 'The userinfo request failed',
};

/** Codes of openid-client / oauth4webapi that always concern a JWT (the id_token here). */
const JWT_CODES = new Set([
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  'OAUTH_KEY_SELECTION_FAILED',
]);
const MENTIONS_JWT = /\bJW[TSK]\b|id_token|"alg"|"nonce"/;

interface CodedError {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  error?: unknown;
  error_description?: unknown;
}

function chain(error: unknown): CodedError[] {
  const links: CodedError[] = [];
  let current = error;
  while (typeof current === 'object' && current !== null && links.length < 8) {
    links.push(current as CodedError);
    current = (current as CodedError).cause;
  }
  return links;
}

/**
 * @internal Turns an error of openid-client (or of `fetch` underneath it) into a
 * {@link NeverloseOidcError} whose code says what failed: network, timeout, configuration, the
 * id_token, or the step itself.
 */
export function toNeverloseError(error: unknown, step: Step): NeverloseOidcError {
  if (error instanceof NeverloseOidcError) return error;
  const links = chain(error);
  const messages = links
    .map((link) => (typeof link.message === 'string' ? link.message : ''))
    .filter((message) => message !== '' && message !== 'something went wrong');
  const detail = [...new Set(messages)].join(': ');
  const has = (predicate: (link: CodedError) => boolean) => links.some(predicate);

  if (has((l) => l.code === 'OAUTH_TIMEOUT' || l.name === 'TimeoutError')) {
    return new NeverloseOidcError('ERR_TIMEOUT', `${STEP_TEXT[step]}: the request timed out.`, {
      cause: error,
    });
  }
  if (
    has(
      (l) =>
        l.code === 'OAUTH_HTTP_REQUEST_FORBIDDEN' || l.code === 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN',
    )
  ) {
    return new NeverloseOidcError(
      'ERR_CONFIGURATION',
      `${STEP_TEXT[step]}: ${detail} (an endpoint is not https:; see dangerouslyAllowInsecureHttp).`,
      { cause: error },
    );
  }
  const bodyError = links.find((l) => l.code === 'OAUTH_RESPONSE_BODY_ERROR');
  if (bodyError !== undefined) {
    const description =
      typeof bodyError.error_description === 'string' ? ` (${bodyError.error_description})` : '';
    return new NeverloseOidcError(
      STEP_CODE[step],
      `${STEP_TEXT[step]}: the provider answered "${String(bodyError.error)}"${description}.`,
      { cause: error },
    );
  }
  const fromLibrary = has((l) => typeof l.code === 'string' && l.code.startsWith('OAUTH_'));
  if (
    !fromLibrary &&
    has((l) => l.name === 'TypeError' && !String(l.code ?? '').startsWith('ERR_INVALID_ARG'))
  ) {
    return new NeverloseOidcError(
      'ERR_NETWORK',
      `${STEP_TEXT[step]}: the provider could not be reached (${detail}).`,
      { cause: error },
    );
  }
  if (
    step === 'token' &&
    has((l) => JWT_CODES.has(String(l.code)) || MENTIONS_JWT.test(String(l.message)))
  ) {
    return new NeverloseOidcError('ERR_ID_TOKEN_INVALID', `The id_token was refused: ${detail}.`, {
      cause: error,
    });
  }
  if (!fromLibrary && !has((l) => l.name === 'TypeError')) {
    return new NeverloseOidcError(
      'ERR_NETWORK',
      `${STEP_TEXT[step]}: the request failed (${detail}).`,
      { cause: error },
    );
  }
  return new NeverloseOidcError(STEP_CODE[step], `${STEP_TEXT[step]}: ${detail}.`, {
    cause: error,
  });
}

import {
  NeverloseOidcError,
  type NeverloseOidcErrorCode,
  type OAuthErrorResponse,
} from '../errors.js';
import { quote } from './quote.js';

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

/**
 * The token endpoint's OAuth errors (RFC 6749 §5.2) a caller acts on differently, with their code
 * and message; the others (`invalid_request`, `unsupported_grant_type`, `invalid_scope`,
 * `server_error`) are `ERR_TOKEN_EXCHANGE_FAILED`. `client` is the quoted client id, `description`
 * the quoted `error_description` in parentheses, or `''`.
 */
const TOKEN_ERRORS = new Map<
  string,
  { readonly code: NeverloseOidcErrorCode; message(client: string, description: string): string }
>([
  [
    'invalid_client',
    {
      code: 'ERR_INVALID_CLIENT',
      message: (client, description) =>
        `The token endpoint refused the credentials of client ${client} with "invalid_client"${description}: check clientId, clientSecret and clientAuthentication (client_secret_basic or client_secret_post) against the client registered with Neverlose.`,
    },
  ],
  [
    'invalid_grant',
    {
      code: 'ERR_INVALID_GRANT',
      message: (_, description) =>
        `The token endpoint refused the authorization code with "invalid_grant"${description}: it was already used (a reloaded or replayed callback), it expired, or it belongs to another login. Start the login again.`,
    },
  ],
  [
    'unauthorized_client',
    {
      code: 'ERR_UNAUTHORIZED_CLIENT',
      message: (client, description) =>
        `The token endpoint does not let client ${client} make this request ("unauthorized_client"${description}): ask Neverlose to allow it (the no_pkce scope needs their permission).`,
    },
  ],
  [
    'temporarily_unavailable',
    {
      code: 'ERR_TEMPORARILY_UNAVAILABLE',
      message: (_, description) =>
        `The token endpoint is temporarily unavailable ("temporarily_unavailable"${description}): try again later.`,
    },
  ],
]);

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
  response?: unknown;
  status?: unknown;
}

/** A body larger than this is not read for an OAuth error: it is not one. */
const MAX_ERROR_BODY = 16 * 1024;

function chain(error: unknown): CodedError[] {
  const links: CodedError[] = [];
  let current = error;
  while (typeof current === 'object' && current !== null && links.length < 8) {
    links.push(current as CodedError);
    current = (current as CodedError).cause;
  }
  return links;
}

/** A field of a thrown value, as text: only strings count (a thrown value can be anything). */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** @internal The HTTP status of the provider's answer an error is about, when one came. */
export function statusOf(error: unknown): number | undefined {
  for (const link of chain(error)) {
    if (typeof link.status === 'number') return link.status;
    const response = link.response ?? link.cause;
    if (typeof Response !== 'undefined' && response instanceof Response) return response.status;
  }
  return undefined;
}

/** @internal True when `error` or one of its causes has the code `code`. */
export function hasCode(error: unknown, code: string): boolean {
  return chain(error).some((link) => link.code === code);
}

function oauthError(error: unknown, description: unknown): OAuthErrorResponse | undefined {
  if (typeof error !== 'string' || error === '') return undefined;
  return typeof description === 'string' ? { error, errorDescription: description } : { error };
}

/**
 * @internal The OAuth error of an answer with a `WWW-Authenticate` challenge (RFC 6750 §3), which
 * openid-client raises as `WWWAuthenticateChallengeError` before it reads the body: the
 * challenge's `error` parameter, or, when the challenge names none (`Basic realm="..."`), the
 * `error` of the JSON body (RFC 6749 §5.2). Undefined for any other error.
 */
export async function challengeErrorOf(error: unknown): Promise<OAuthErrorResponse | undefined> {
  const challenged = chain(error).find((l) => l.code === 'OAUTH_WWW_AUTHENTICATE_CHALLENGE');
  if (challenged === undefined) return undefined;
  const challenges = Array.isArray(challenged.cause) ? challenged.cause : [];
  for (const challenge of challenges) {
    const parameters = (challenge as { parameters?: Record<string, unknown> }).parameters;
    const found = oauthError(parameters?.error, parameters?.error_description);
    if (found !== undefined) return found;
  }
  const response = challenged.response;
  if (!(response instanceof Response) || response.bodyUsed) return undefined;
  try {
    const text = await response.text();
    if (text.length > MAX_ERROR_BODY) return undefined;
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null) return undefined;
    const { error: code, error_description: description } = json as CodedError;
    return oauthError(code, description);
  } catch {
    return undefined;
  }
}

/**
 * @internal Turns an error of openid-client (or of `fetch` underneath it) into a
 * {@link NeverloseOidcError} whose code says what failed: network, timeout, configuration, the
 * client's credentials, the id_token, or the step itself. `provided` is the OAuth error the
 * provider sent in a challenge, read by {@link challengeErrorOf} (an error in the body is read
 * here); `clientId` names the client in messages.
 */
export function toNeverloseError(
  error: unknown,
  step: Step,
  provided?: OAuthErrorResponse,
  clientId?: string,
): NeverloseOidcError {
  if (error instanceof NeverloseOidcError) return error;
  const links = chain(error);
  const body = links.find((l) => l.code === 'OAUTH_RESPONSE_BODY_ERROR');
  provided ??= body === undefined ? undefined : oauthError(body.error, body.error_description);
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
      'ERR_INVALID_OPTION',
      `${STEP_TEXT[step]}: ${detail} (an endpoint is not https:; see dangerouslyAllowInsecureHttp).`,
      { cause: error },
    );
  }
  if (provided !== undefined) {
    const description =
      provided.errorDescription === undefined ? '' : ` (${quote(provided.errorDescription)})`;
    const known = step === 'token' ? TOKEN_ERRORS.get(provided.error) : undefined;
    if (known !== undefined) {
      return new NeverloseOidcError(known.code, known.message(quote(clientId ?? ''), description), {
        cause: error,
        oauthError: provided,
      });
    }
    return new NeverloseOidcError(
      STEP_CODE[step],
      `${STEP_TEXT[step]}: the provider answered ${quote(provided.error)}${description}.`,
      { cause: error, oauthError: provided },
    );
  }
  const fromLibrary = has((l) => typeof l.code === 'string' && l.code.startsWith('OAUTH_'));
  if (
    !fromLibrary &&
    has((l) => l.name === 'TypeError' && !text(l.code).startsWith('ERR_INVALID_ARG'))
  ) {
    return new NeverloseOidcError(
      'ERR_NETWORK',
      `${STEP_TEXT[step]}: the provider could not be reached (${detail}).`,
      { cause: error },
    );
  }
  if (
    step === 'token' &&
    has((l) => JWT_CODES.has(text(l.code)) || MENTIONS_JWT.test(text(l.message)))
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

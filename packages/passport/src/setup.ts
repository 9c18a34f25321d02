import {
  isNeverloseOidcError,
  type NeverloseClient,
  type NeverloseClientOptions,
  NeverloseOidcError,
  validateClientOptions,
} from 'neverlose-oidc';
import type { NeverloseStrategyOptions } from './options.js';

/** @internal What the strategy needs of its options. */
export interface StrategySetup {
  /** A ready client, or the options to create one at the first login. */
  readonly client: NeverloseClient | NeverloseClientOptions;
  /** The callback URL of every login: a path resolved per request, or absolute; else the client's. */
  readonly callbackURL: string | undefined;
}

const OPTIONS = new Set<string>([
  'store',
  'sessionKey',
  'passReqToCallback',
  'proxy',
  'returnToParam',
  'client',
  'callbackURL',
]);

function configurationError(message: string): NeverloseOidcError {
  return new NeverloseOidcError('ERR_INVALID_OPTION', message);
}

/** @internal True for a client made by `createNeverloseClient`, false for its options. */
export function isClient(
  value: NeverloseClient | NeverloseClientOptions,
): value is NeverloseClient {
  return typeof (value as { startAuthorization?: unknown }).startAuthorization === 'function';
}

function checkCallbackURL(callbackURL: unknown): string | undefined {
  if (callbackURL === undefined) return undefined;
  if (typeof callbackURL !== 'string' || callbackURL === '') {
    throw configurationError('Invalid option "callbackURL": must be an absolute URL or a path.');
  }
  if (callbackURL.startsWith('//')) {
    throw configurationError('Invalid option "callbackURL": a path must not start with "//".');
  }
  return callbackURL;
}

/**
 * @internal Checks the strategy's options and maps them to a client (or client options) and a
 * callback URL. Throws `ERR_INVALID_OPTION` naming the field.
 */
export function strategySetup(options: NeverloseStrategyOptions): StrategySetup {
  if (typeof options !== 'object' || options === null) {
    throw configurationError('NeverloseStrategy requires an options object.');
  }
  if (options.store !== undefined) {
    const { store } = options;
    if (typeof store?.set !== 'function' || typeof store?.take !== 'function') {
      throw configurationError('Invalid option "store": must have set() and take() methods.');
    }
  }
  if (options.client === undefined) {
    throw configurationError(
      'NeverloseStrategy requires the "client" option: a client made by createNeverloseClient, or its options (clientId, clientSecret...).',
    );
  }
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) {
      throw configurationError(
        `Invalid option "${key}": is not an option of NeverloseStrategy (the client's options go in "client").`,
      );
    }
  }
  const { client } = options;
  const callbackURL = checkCallbackURL(options.callbackURL);
  if (typeof client !== 'object' || client === null) {
    throw configurationError(
      'Invalid option "client": must be a client made by createNeverloseClient, or its options.',
    );
  }
  if (isClient(client)) {
    if (callbackURL === undefined && client.redirectUri === undefined) {
      throw configurationError(
        'Invalid option "callbackURL": required when the client has no redirectUri.',
      );
    }
    return { client, callbackURL };
  }
  try {
    validateClientOptions(client);
  } catch (error) {
    // Name the field as the strategy's options hold it: "client.clientId".
    if (isNeverloseOidcError(error, 'ERR_INVALID_OPTION')) {
      throw configurationError(
        error.message.replace(/^Invalid option "/, 'Invalid option "client.'),
      );
    }
    throw error;
  }
  if (callbackURL === undefined && client.redirectUri === undefined) {
    throw configurationError(
      'Invalid option "callbackURL": required when "client.redirectUri" is not set.',
    );
  }
  if (callbackURL !== undefined && !callbackURL.startsWith('/')) {
    // An absolute callback URL is every login's redirect URI: the client's rules, checked now.
    try {
      validateClientOptions({ ...client, redirectUri: callbackURL });
    } catch (error) {
      if (isNeverloseOidcError(error, 'ERR_INVALID_OPTION')) {
        throw configurationError(
          error.message.replace(/^Invalid option "redirectUri"/, 'Invalid option "callbackURL"'),
        );
      }
      throw error;
    }
  }
  return { client, callbackURL };
}

import { UsageError, urlFlag } from '@neverlose-toolkit/internal/cli';
import type { EmulatorConfig, WebhookUrls } from '../config/seed.js';
import type { World } from '../world/world.js';

const KINDS = ['purchase', 'transfer'] as const;

/**
 * The webhook URLs of `--webhook-url` flags: `URL` for both kinds, or `purchase=URL` and
 * `transfer=URL` for one each.
 *
 * @throws {UsageError} naming the flag: not a URL, an unknown kind, a kind given twice.
 */
export function webhookUrlsOf(flags: readonly string[]): WebhookUrls | undefined {
  if (flags.length === 0) return undefined;
  const urls: { purchase?: string; transfer?: string } = {};
  for (const flag of flags) {
    const match = /^([a-z]+)=(.*)$/.exec(flag);
    const kinds = match === null ? KINDS : [match[1]];
    const url = urlFlag(match === null ? flag : (match[2] as string), '--webhook-url');
    for (const kind of kinds) {
      if (kind !== 'purchase' && kind !== 'transfer')
        throw new UsageError(
          `--webhook-url ${kind}=...: the kinds are purchase and transfer (or give a URL alone for both)`,
        );
      if (urls[kind] !== undefined)
        throw new UsageError(`--webhook-url sets the ${kind} URL twice; give it once`);
      urls[kind] = url;
    }
  }
  return urls;
}

/** Every redirect URI of `--redirect-uri` flags. @throws {UsageError} */
export function redirectUrisOf(flags: readonly string[]): string[] {
  return flags.map((flag) => {
    urlFlag(flag, '--redirect-uri');
    if (flag.includes('#')) throw new UsageError('--redirect-uri must not have a fragment (#)');
    return flag;
  });
}

/**
 * The seed with the flags applied: the redirect URIs added to every OAuth client, the webhook
 * URLs set on every market account. Entries that are not objects are left to the config check.
 *
 * @throws {UsageError} when a flag has nothing to apply to.
 */
export function applySeedFlags(
  config: EmulatorConfig,
  redirectUris: readonly string[],
  webhooks: WebhookUrls | undefined,
): EmulatorConfig {
  const clients = Array.isArray(config.oauthClients) ? config.oauthClients : [];
  const accounts = Array.isArray(config.marketAccounts) ? config.marketAccounts : [];
  if (redirectUris.length > 0 && clients.length === 0)
    throw new UsageError('--redirect-uri: the config has no OAuth client (oauthClients)');
  if (webhooks !== undefined && accounts.length === 0)
    throw new UsageError('--webhook-url: the config has no market account (marketAccounts)');
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  return {
    ...config,
    ...(redirectUris.length === 0
      ? {}
      : {
          oauthClients: clients.map((client) =>
            isObject(client) && Array.isArray(client.redirectUris)
              ? { ...client, redirectUris: [...new Set([...client.redirectUris, ...redirectUris])] }
              : client,
          ),
        }),
    ...(webhooks === undefined
      ? {}
      : {
          marketAccounts: accounts.map((account) =>
            isObject(account)
              ? { ...account, webhooks: { ...(account.webhooks ?? {}), ...webhooks } }
              : account,
          ),
        }),
  };
}

/** Applies the same flags to a world loaded from `--persist`, which the seed no longer shapes. */
export function applySeedFlagsToWorld(
  store: World,
  redirectUris: readonly string[],
  webhooks: WebhookUrls | undefined,
): void {
  for (const client of store.clients.values())
    for (const uri of redirectUris)
      if (!client.redirectUris.includes(uri)) client.redirectUris.push(uri);
  if (webhooks !== undefined)
    for (const account of store.accounts.values())
      account.webhooks = { ...account.webhooks, ...webhooks };
  if (redirectUris.length > 0 || webhooks !== undefined) store.changed();
}

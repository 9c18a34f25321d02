import { readFileSync } from 'node:fs';
import {
  answerHelpOrVersion,
  type CliIo,
  EXIT_FAILED,
  EXIT_OK,
  HELP_AND_VERSION_FLAGS,
  parseFlags,
  stringFlag,
  stringsFlag,
  UsageError,
  urlFlag,
} from '@neverlose-toolkit/internal/cli';
import { adminTokenProblem } from '../../admin/access.js';
import { defaultConfig } from '../../config/demo-seed.js';
import type { EmulatorConfig } from '../../config/seed.js';
import { type RunningEmulator, startEmulator } from '../../emulator.js';
import { isEmulatorError } from '../../errors.js';
import { webhookReport, webhookReportLine } from '../../webhooks/report.js';
import type { World } from '../../world/world.js';
import {
  applySeedFlags,
  applySeedFlagsToWorld,
  redirectUrisOf,
  webhookUrlsOf,
} from '../seed-flags.js';
import { untilSignal } from '../signals.js';
import { VERSION } from '../version.js';

export const START_HELP = `Usage: neverlose-emulator [options]
       neverlose-emulator listen [options]   (print webhook deliveries; see listen --help)
       neverlose-emulator trigger <purchase|transfer> --to URL   (send one signed webhook)

Starts a local Neverlose: identity provider, market API, webhooks, checkout, admin dashboard.

Options:
  --port N               port to listen on (default 4010; 0 picks a free one)
  --host HOST            interface to listen on (default 127.0.0.1; any other than loopback
                         needs --admin-token)
  --config FILE          JSON seed: users, items, market accounts, OAuth clients, settings
                         (default: the built-in demo seed)
  --persist FILE         keep the world in FILE across restarts
  --public-url URL       the URL to advertise (behind a proxy)
  --admin-token T        require T on /admin, /admin/api and /market ("Authorization:
                         Bearer T", or T as the HTTP Basic password); 16+ characters
  --redirect-uri URL     add URL to the redirect URIs of every OAuth client; repeatable
  --webhook-url URL      send the purchase and transfer webhooks of every market account to
                         URL; purchase=URL or transfer=URL sets one kind; repeatable
  -v, --version          print the name and version
  -h, --help             show this help

Each webhook delivery and attempt is printed as it happens.
`;

/** The flags of the start command (`parseArgs` options). */
export const START_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  config: { type: 'string' },
  persist: { type: 'string' },
  'public-url': { type: 'string' },
  'admin-token': { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'webhook-url': { type: 'string', multiple: true },
  ...HELP_AND_VERSION_FLAGS,
} as const;

/** The flags of the start command, checked. @throws {UsageError} naming the flag. */
function readFlags(argv: readonly string[]) {
  const { values } = parseFlags(argv, START_OPTIONS);
  const portText = stringFlag(values, 'port') ?? '4010';
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65_535)
    throw new UsageError(`--port must be 0 to 65535, not ${JSON.stringify(portText)}`);
  const host = stringFlag(values, 'host') ?? '127.0.0.1';
  const adminToken = stringFlag(values, 'admin-token');
  const problem = adminTokenProblem(host, adminToken);
  if (problem !== undefined) {
    throw new UsageError(
      adminToken === undefined
        ? `--host ${host} is not a loopback address: add --admin-token TOKEN (at least 16 characters, such as $(openssl rand -hex 16)); the admin pages show API keys and client secrets and move NLE`
        : '--admin-token must be at least 16 visible ASCII characters (no spaces)',
    );
  }
  const publicUrl = stringFlag(values, 'public-url');
  if (publicUrl !== undefined) urlFlag(publicUrl, '--public-url');
  return {
    help: values['help'] === true,
    version: values['version'] === true,
    port,
    host,
    adminToken,
    publicUrl,
    configFile: stringFlag(values, 'config'),
    persistFile: stringFlag(values, 'persist'),
    redirectUris: redirectUrisOf(stringsFlag(values, 'redirect-uri')),
    webhooks: webhookUrlsOf(stringsFlag(values, 'webhook-url')),
  };
}

function readConfig(file: string | undefined): EmulatorConfig {
  if (file === undefined) return defaultConfig();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--config ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  try {
    return JSON.parse(text) as EmulatorConfig;
  } catch (error) {
    throw new UsageError(`--config ${file}: not JSON (${(error as Error).message})`);
  }
}

/** Redirect URIs grouped by origin: `http://127.0.0.1:3000  /callback /auth/callback`. */
function redirectUriLines(uris: readonly string[]): string[] {
  const byOrigin = new Map<string, string[]>();
  for (const uri of uris) {
    const url = new URL(uri);
    const paths = byOrigin.get(url.origin) ?? [];
    paths.push(uri.slice(url.origin.length) || '/');
    byOrigin.set(url.origin, paths);
  }
  return [...byOrigin].map(([origin, paths]) => `      ${origin}  ${paths.join(' ')}`);
}

/** What the CLI prints once listening: URLs, credentials, redirect URIs, webhook URLs. */
export function startBanner(emulator: RunningEmulator): string {
  const state: World = emulator.world;
  const lines = [
    `Neverlose emulator listening on ${emulator.url}`,
    `  dashboard:  ${emulator.url}/admin`,
    `  discovery:  ${emulator.url}/.well-known/openid-configuration  (issuer ${emulator.issuer})`,
    `  market API: ${emulator.url}/api/market`,
    `  checkout:   ${emulator.url}/checkout`,
  ];
  let previous: readonly string[] | undefined;
  let previousId = '';
  for (const client of state.clients.values()) {
    const permissions = client.permissions.length > 0 ? `  (${client.permissions.join(', ')})` : '';
    lines.push(`  OAuth client ${client.clientId}  secret ${client.clientSecret}${permissions}`);
    const same =
      previous !== undefined &&
      previous.length === client.redirectUris.length &&
      previous.every((uri, i) => uri === client.redirectUris[i]);
    if (same) lines.push(`    redirect URIs: as ${previousId}`);
    else if (client.redirectUris.length === 0) lines.push('    redirect URIs: none');
    else lines.push('    redirect URIs:', ...redirectUriLines(client.redirectUris));
    previous = client.redirectUris;
    previousId = client.clientId;
  }
  for (const account of state.accounts.values()) {
    const login = state.users.get(account.userId)?.login ?? '?';
    const integration =
      account.integration === undefined
        ? ''
        : `  integration ${account.integration.id} -> ${account.integration.redirectUrl}`;
    lines.push(
      `  ${account.reseller ? 'reseller' : 'market user'} ${login}: user_id ${account.userId}  API key ${account.apiKey}${integration}`,
    );
    const { purchase, transfer } = account.webhooks;
    if (purchase !== undefined && purchase === transfer) lines.push(`    webhooks -> ${purchase}`);
    else {
      if (purchase !== undefined) lines.push(`    purchase webhooks -> ${purchase}`);
      if (transfer !== undefined) lines.push(`    transfer webhooks -> ${transfer}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `neverlose-emulator [options]`: runs until SIGINT or SIGTERM. */
export async function startCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const flags = readFlags(argv);
  const answered = answerHelpOrVersion(io, {
    bin: 'neverlose-emulator',
    version: VERSION,
    help: START_HELP,
    wantsHelp: flags.help,
    wantsVersion: flags.version,
    hasCommand: true,
  });
  if (answered !== undefined) return answered;
  const config = applySeedFlags(readConfig(flags.configFile), flags.redirectUris, flags.webhooks);
  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator({
      port: flags.port,
      host: flags.host,
      config,
      persistFile: flags.persistFile,
      publicUrl: flags.publicUrl,
      adminToken: flags.adminToken,
    });
  } catch (error) {
    if (isEmulatorError(error) && error.code === 'ERR_INVALID_OPTION' && flags.configFile)
      throw new UsageError(`--config ${flags.configFile}: ${error.message}`);
    if (isEmulatorError(error) && error.code === 'ERR_PERSISTENCE')
      throw new UsageError(`--persist ${flags.persistFile}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      io.err(
        `neverlose-emulator: cannot listen on ${flags.host}:${flags.port} (${code}); choose another --port or --host\n`,
      );
      return EXIT_FAILED;
    }
    io.err(`neverlose-emulator: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
  applySeedFlagsToWorld(emulator.world, flags.redirectUris, flags.webhooks);
  io.out(startBanner(emulator));
  const maxAttempts = () => emulator.world.config.settings.webhookRetry.maxAttempts;
  emulator.webhooks.onDelivery((event) => {
    io.out(`${webhookReportLine(webhookReport(event, maxAttempts()))}\n`);
  });

  const signal = (await untilSignal()) ?? 'SIGTERM';
  io.out(`\nReceived ${signal}, stopping.\n`);
  await emulator.stop();
  return EXIT_OK;
}

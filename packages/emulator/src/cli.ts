import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isLoopbackHostname } from './admin/access.js';
import { defaultConfig } from './config/demo-seed.js';
import type { EmulatorConfig } from './config/seed.js';
import { startEmulator } from './emulator.js';
import { isEmulatorError } from './errors.js';

const HELP = `Usage: neverlose-emulator [--port 4010] [--host 127.0.0.1] [--config FILE] [--persist FILE]

  --port N          port to listen on (default 4010; 0 picks a free one)
  --host HOST       interface to listen on (default 127.0.0.1; any other than loopback
                    needs --admin-token)
  --config FILE     JSON seed: users, items, market accounts, OAuth clients, settings
                    (default: the built-in demo seed)
  --persist FILE    keep the world in FILE across restarts
  --public-url URL  the URL to advertise (behind a proxy)
  --admin-token T   require T on /admin, /admin/api and /market ("Authorization:
                    Bearer T", or T as the HTTP Basic password); 16+ characters
  -h, --help        show this help
`;

/** Runs the CLI; resolves with the exit code once the emulator stopped (SIGINT/SIGTERM). */
export async function run(
  argv: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        config: { type: 'string' },
        persist: { type: 'string' },
        'public-url': { type: 'string' },
        'admin-token': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`neverlose-emulator: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values['help'] === true) {
    out.write(HELP);
    return 0;
  }
  const portText = (values['port'] as string | undefined) ?? '4010';
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65_535) {
    process.stderr.write(`neverlose-emulator: --port must be 0 to 65535, not ${portText}\n`);
    return 2;
  }
  const host = (values['host'] as string | undefined) ?? '127.0.0.1';
  const adminToken = values['admin-token'] as string | undefined;
  if (adminToken === undefined && !isLoopbackHostname(host)) {
    process.stderr.write(
      `neverlose-emulator: --host ${host} is not a loopback address: add --admin-token TOKEN (at least 16 characters, such as $(openssl rand -hex 16)); the admin pages show API keys and client secrets and move NLE.\n`,
    );
    return 2;
  }
  let config: EmulatorConfig = defaultConfig();
  const configFile = values['config'] as string | undefined;
  if (configFile !== undefined) {
    try {
      config = JSON.parse(readFileSync(configFile, 'utf8')) as EmulatorConfig;
    } catch (error) {
      process.stderr.write(
        `neverlose-emulator: cannot read ${configFile}: ${(error as Error).message}\n`,
      );
      return 2;
    }
  }
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      port,
      host,
      config,
      persistFile: values['persist'] as string | undefined,
      publicUrl: values['public-url'] as string | undefined,
      adminToken,
    });
  } catch (error) {
    const message = isEmulatorError(error) ? error.message : (error as Error).message;
    process.stderr.write(`neverlose-emulator: ${message}\n`);
    return 1;
  }
  const state = emulator.state;
  const lines = [
    `Neverlose emulator listening on ${emulator.url}`,
    `  dashboard:  ${emulator.url}/admin`,
    `  discovery:  ${emulator.url}/.well-known/openid-configuration`,
  ];
  for (const client of state.clients.values()) {
    lines.push(
      `  OAuth client ${client.clientId}  secret ${client.clientSecret}${client.permissions.length > 0 ? `  (${client.permissions.join(', ')})` : ''}`,
    );
    lines.push(`    redirect URIs: ${client.redirectUris.join(' ')}`);
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
  }
  out.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      out.write(`\nReceived ${signal}, stopping.\n`);
      void emulator.stop().then(resolve);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  return 0;
}

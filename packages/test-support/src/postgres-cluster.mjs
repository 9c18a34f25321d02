// A throwaway PostgreSQL cluster for tests, benches and CI: `initdb` into a temporary directory,
// started on a free loopback port with `fsync` on, stopped and removed afterwards. PostgreSQL
// refuses to run as root, so as root the server runs as the `postgres` user Debian's package creates.
//
//   node packages/test-support/src/postgres-cluster.mjs start <dir>   prints the URL; the server keeps running
//   node packages/test-support/src/postgres-cluster.mjs stop <dir>    stops it (fast shutdown) and removes <dir>
//
// From code: `const pg = await startPostgresCluster(); ...; await pg.restart(); await pg.stop();`
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.mjs';

const run = promisify(execFile);

/** The directory of PostgreSQL's server binaries: `PG_BIN`, else Debian's newest, else `PATH`. */
export function postgresBinDir() {
  if (process.env['PG_BIN']) return process.env['PG_BIN'];
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((name) => existsSync(join(base, name, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin');
  }
  return '';
}

/** True when `initdb` can be found: the tests use it to say why they cannot run. */
export function postgresInstalled() {
  const dir = postgresBinDir();
  return dir === '' ? false : existsSync(join(dir, 'initdb'));
}

/** Runs a server binary, as the `postgres` user when we are root. */
async function pgRun(binary, args) {
  const path = join(postgresBinDir(), binary);
  const asRoot = process.getuid?.() === 0;
  const [command, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', path, ...args]]
    : [path, args];
  try {
    return await run(command, argv, { timeout: 120_000 });
  } catch (error) {
    const detail = `${error.stderr ?? ''}${error.stdout ?? ''}`.trim();
    throw new Error(`${binary} ${args.join(' ')} failed: ${detail || error.message}`);
  }
}

function ownerIds() {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) {
    throw new Error(
      'Running as root, and there is no "postgres" user to run the server: install Debian\'s postgresql package.',
    );
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Creates and starts a cluster in `dir` (created if missing; a fresh temporary directory by default).
 *
 * @param {{ dir?: string, fsync?: boolean }} [options]
 */
export async function startPostgresCluster(options = {}) {
  if (!postgresInstalled()) {
    throw new Error(
      'PostgreSQL is not installed (no initdb): run "bash scripts/setup.sh --test" (Debian package postgresql), or set DATABASE_URL.',
    );
  }
  const dir =
    options.dir ?? join(tmpdir(), `neverlose-pg-${process.pid}-${Date.now().toString(36)}`);
  const data = join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  const owner = ownerIds();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  await pgRun('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-locale',
    '--no-instructions',
  ]);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${dir}'`,
    `-c fsync=${options.fsync === false ? 'off' : 'on'}`,
    '-c synchronous_commit=on',
    '-c max_connections=200',
  ].join(' ');
  const log = join(dir, 'server.log');
  const start = () => pgRun('pg_ctl', ['-D', data, '-l', log, '-o', settings, '-w', 'start']);
  const stopServer = (mode) => pgRun('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  await start();
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    /** Shuts the server down (`fast`: sessions are cut, committed work is kept) and starts it again. */
    async restart(mode = 'fast') {
      await stopServer(mode);
      await start();
    },
    /** Stops the server (fast shutdown) and removes its directory. */
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopServer('fast').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stops a cluster started by `start <dir>` and removes the directory. */
export async function stopPostgresCluster(dir) {
  const data = join(dir, 'data');
  if (existsSync(join(data, 'postmaster.pid'))) {
    await pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  }
  rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, dir] = process.argv.slice(2);
  if ((command !== 'start' && command !== 'stop') || !dir) {
    process.stderr.write(
      'Usage: node packages/test-support/src/postgres-cluster.mjs start|stop <dir>\n',
    );
    process.exit(2);
  }
  try {
    if (command === 'start') {
      const cluster = await startPostgresCluster({ dir });
      process.stdout.write(`${cluster.url}\n`);
    } else {
      await stopPostgresCluster(dir);
    }
  } catch (error) {
    process.stderr.write(`postgres-cluster: ${error.message}\n`);
    process.exit(1);
  }
}

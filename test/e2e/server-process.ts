import { spawn } from 'node:child_process';
import type { RunningApp } from './login-examples.js';

/** A server to run in a child process: it prints `listening on <url>` once it answers. */
export interface ServerCommand {
  /** Names it in errors. */
  readonly name: string;
  /** The executable: a Node 22 or Bun binary, for instance. */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Environment added to the test's own. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Starts `server` and resolves once it printed its URL; `close()` stops it (SIGTERM, then
 * SIGKILL after 5 s). A process that exits first rejects, with the end of its stderr.
 */
export function startServerProcess(server: ServerCommand): Promise<RunningApp> {
  const child = spawn(server.command, [...server.args], {
    cwd: server.cwd,
    env: { ...process.env, ...server.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      reject(new Error(`${server.name} exited before listening (${signal ?? code}):\n${stderr}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening on (https?:\/\/\S+)/.exec(stdout)?.[1];
      if (url !== undefined) resolve({ url: url.replace(/\/+$/, ''), close });
    });
  });
}

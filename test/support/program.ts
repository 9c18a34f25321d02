import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** A running (or finished) program: its output so far, its exit. */
export interface Program {
  readonly child: ChildProcess;
  /** stdout and stderr, interleaved as they came. */
  output(): string;
  /** Resolves with the exit code once it exited (127: it could not be started). */
  readonly exited: Promise<number>;
  /** Resolves with the exit code; a program still running after `timeoutMs` is killed (rejects). */
  exit(timeoutMs?: number): Promise<number>;
  /** Resolves once the output matches `pattern`; rejects if the program exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL if it is still running 5 s later; resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * Wraps a child process as a {@link Program}. `group`: the child leads a process group of its own
 * (spawned `detached`), and stopping it signals the whole group, so what it started (`npx` runs
 * the command as a child of its own) stops with it.
 */
export function program(child: ChildProcess, group = false): Program {
  const kill = (signal: NodeJS.Signals) => {
    if (group && child.pid !== undefined) {
      try {
        process.kill(-child.pid, signal);
        return;
      } catch {
        // The group is gone already: signal the child alone.
      }
    }
    child.kill(signal);
  };
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let failed = false; // it could not be started (no such command): 'error', and no 'exit'
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? (signal === null ? 1 : 128));
      for (const listener of listeners) listener();
    });
    child.once('error', (error) => {
      if (child.pid !== undefined) return; // started: its 'exit' follows
      failed = true;
      text += `${error.message}\n`;
      resolve(127);
      for (const listener of listeners) listener();
    });
  });
  const done = () => failed || child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    output: () => text,
    exited,
    async exit(timeoutMs = 60_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          kill('SIGKILL');
          reject(new Error(`still running after ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) finish(() => resolve(match[0]));
          else if (done()) finish(() => reject(new Error(`exited before ${pattern}:\n${text}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no ${pattern} after ${timeoutMs} ms:\n${text}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (group) kill('SIGTERM'); // the children of a child that exited may still run
      if (done()) return;
      const timer = setTimeout(() => kill('SIGKILL'), 5000);
      kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Spawns `command` with piped output, in `cwd`, with `env` over the current environment (or, with
 * `inherit: false`, `env` alone). `group`: see {@link program} (for launchers such as `npx`).
 */
export function spawnProgram(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; inherit?: boolean; group?: boolean },
): Program {
  const group = options.group === true;
  return program(
    spawn(command, args, {
      cwd: options.cwd,
      env: options.inherit === false ? options.env : { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: group,
    }),
    group,
  );
}

/**
 * Resolves once `running` accepts connections on `127.0.0.1:port`; rejects with its output if it
 * exits first or is not listening within `timeoutMs` (and stops it then).
 */
export async function untilListening(
  running: Program,
  port: number,
  timeoutMs = 60_000,
): Promise<void> {
  let exited = false;
  void running.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (exited) throw new Error(`exited before listening on ${port}:\n${running.output()}`);
    if (Date.now() > deadline) {
      await running.stop();
      throw new Error(`not listening on ${port} after ${timeoutMs} ms:\n${running.output()}`);
    }
    await delay(100);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

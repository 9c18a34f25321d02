import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '@neverlose-toolkit/test-support/ports';

/** How to start one server under attack: a Node script that prints `listening on <url>`. */
export interface ProcessSpec {
  readonly name: string;
  /** Arguments of `node`: the script and its flags. `{port}` is replaced by the port. */
  readonly args: readonly string[];
  /** Environment added to the test's own; `{port}` is replaced by the port. */
  readonly env?: Readonly<Record<string, string>>;
}

/** An exit the harness saw: the process died under attack. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The end of what it wrote to stderr (the stack of an uncaught exception). */
  readonly stderr: string;
}

/**
 * A server in a child process, restarted on the same port when it died, so a crash is recorded
 * and the remaining cases still run. A process that exits is what the suite exists to catch: an
 * uncaught exception or unhandled rejection ends Node, whatever the app's own handlers do.
 */
export class Supervised {
  readonly exits: Exit[] = [];
  #child: ChildProcess | undefined;
  #stderr = '';
  #url = '';

  private constructor(
    readonly spec: ProcessSpec,
    readonly port: number,
  ) {}

  /** Starts the process on a free port and waits for it to listen. */
  static async start(spec: ProcessSpec): Promise<Supervised> {
    const supervised = new Supervised(spec, await freePort());
    await supervised.#spawn();
    return supervised;
  }

  /** Base URL, such as `http://127.0.0.1:40123`. */
  get url(): string {
    return this.#url;
  }

  /** The end of what the running process wrote to stderr (what it logged of a failure). */
  get stderr(): string {
    return this.#stderr;
  }

  get alive(): boolean {
    return (
      this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null
    );
  }

  /**
   * Resolves once the process has exited, or after `ms` (then it is killed: a server that stops
   * answering without exiting is as dead to its users).
   */
  async waitForExit(ms: number): Promise<void> {
    const child = this.#child;
    if (child === undefined || !this.alive) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
      }, ms);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Starts it again when it died (the exit stays recorded). */
  async ensureRunning(): Promise<void> {
    if (!this.alive) await this.#spawn();
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  #spawn(): Promise<void> {
    const port = String(this.port);
    const fill = (text: string) => text.replaceAll('{port}', port);
    const env = Object.fromEntries(
      Object.entries(this.spec.env ?? {}).map(([k, v]) => [k, fill(v)]),
    );
    this.#stderr = '';
    const child = spawn(process.execPath, this.spec.args.map(fill), {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    return new Promise((resolve, reject) => {
      let stdout = '';
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.#child !== child) return;
        const exit = { code, signal, stderr: this.#stderr };
        if (stdout.includes('listening')) this.exits.push(exit);
        else
          reject(
            new Error(`${this.spec.name} did not start (${signal ?? code}):\n${this.#stderr}`),
          );
      };
      child.once('exit', onExit);
      child.stdout?.on('data', (chunk: Buffer) => {
        if (stdout.includes('listening')) return;
        stdout += chunk.toString();
        const url = /listening on (https?:\/\/\S+)/.exec(stdout)?.[1];
        if (url !== undefined) {
          this.#url = url.replace(/\/+$/, '');
          resolve();
        }
      });
    });
  }
}

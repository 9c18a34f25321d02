import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { ProviderBehaviour, ProviderOptions } from './hostile-provider.mjs';

/** The hostile provider in a child process (hostile-provider-process.mjs), driven over IPC. */
export interface ProviderProcess {
  readonly issuer: string;
  /** Replaces every switch of the provider's `behaviour`. */
  setBehaviour(behaviour: ProviderBehaviour): Promise<void>;
  /** See `TestProvider.rotateSigningKey`. */
  rotateSigningKey(): Promise<string>;
  close(): Promise<void>;
}

/** Starts the hostile provider in a process of its own. */
export async function startProviderProcess(
  options: ProviderOptions = {},
): Promise<ProviderProcess> {
  const child: ChildProcess = fork(
    join(import.meta.dirname, 'hostile-provider-process.mjs'),
    [JSON.stringify(options)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const issuer = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the hostile provider exited (${code})`)));
    child.once('message', (message: { type?: string; issuer?: string }) => {
      if (message.type === 'ready' && typeof message.issuer === 'string') resolve(message.issuer);
      else reject(new Error(`the hostile provider said ${JSON.stringify(message)}`));
    });
  });
  let next = 0;
  const ask = (message: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++next;
      const onMessage = (answer: Record<string, unknown>) => {
        if (answer['id'] !== id) return;
        child.off('message', onMessage);
        if (typeof answer['error'] === 'string') reject(new Error(answer['error']));
        else resolve(answer);
      };
      child.on('message', onMessage);
      child.send({ ...message, id });
    });
  return {
    issuer,
    async setBehaviour(behaviour) {
      await ask({ type: 'behaviour', behaviour });
    },
    async rotateSigningKey() {
      return String((await ask({ type: 'rotate' }))['kid']);
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.disconnect();
      await exited;
      clearTimeout(timer);
    },
  };
}

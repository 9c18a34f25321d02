import { randomBytes } from 'node:crypto';
import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';

/** What a login example's `startExample` gives back. */
export interface RunningApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts one login example against `issuer` on a free port. */
export type StartLoginApp = (issuer: string, sessionSecret: string) => Promise<RunningApp>;

/**
 * The options every example's `startExample` takes to log in at the emulator's default client,
 * over plain HTTP, on a free port.
 */
export function emulatorOptions(issuer: string, sessionSecret: string) {
  return {
    issuer,
    clientId: 'emulator-client',
    clientSecret: 'emulator-secret',
    sessionSecret,
    dangerouslyAllowInsecureHttp: true,
    port: 0,
  } as const;
}

/**
 * The emulator and an example wired to each other. Each needs the other's URL, and both listen on
 * port 0: the emulator starts first, the example starts with its issuer, then the emulator is
 * reseeded (its public `reset(config)`) with the example's callback as the registered redirect
 * URI. Nothing has happened on the emulator yet, so the reseed loses nothing.
 */
export async function startWiredPair(
  start: StartLoginApp,
  callbackPath: string,
): Promise<{ emulator: RunningEmulator; app: RunningApp; stop(): Promise<void> }> {
  const emulator = await startEmulator({ port: 0 });
  let app: RunningApp;
  try {
    app = await start(emulator.issuer, randomBytes(32).toString('base64url'));
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  emulator.reset(defaultConfig({ redirectUris: [`${app.url}${callbackPath}`] }));
  return {
    emulator,
    app,
    async stop() {
      await Promise.allSettled([app.close(), emulator.stop()]);
    },
  };
}

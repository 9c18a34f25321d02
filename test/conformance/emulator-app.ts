import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { Supervised } from '../hostile/process.js';
import { exampleProcess, type StartOptions, type Surface } from './surfaces.js';

/** A surface's example and the emulator, wired to each other. */
export interface EmulatorApp {
  readonly emulator: RunningEmulator;
  readonly app: Supervised;
  /** The app's origin as the browser sees it. */
  readonly publicUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the emulator and `surface`'s example against it, then registers the example's callback
 * with the emulator's default client (its `reset(config)`, before any login).
 */
export async function startWithEmulator(
  surface: Surface,
  options: Omit<StartOptions, 'issuer'> = {},
): Promise<EmulatorApp> {
  const emulator = await startEmulator({ port: 0 });
  let app: Supervised;
  try {
    app = await Supervised.start(exampleProcess(surface, { ...options, issuer: emulator.issuer }));
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  const publicUrl = options.publicUrl ?? app.url;
  emulator.reset(defaultConfig({ redirectUris: [`${publicUrl}${surface.callbackPath}`] }));
  return {
    emulator,
    app,
    publicUrl,
    async stop() {
      await Promise.allSettled([app.stop(), emulator.stop()]);
    },
  };
}

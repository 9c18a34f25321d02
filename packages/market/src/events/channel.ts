/** The name of the diagnostics channel every event of this package is published on. */
export const DIAGNOSTICS_CHANNEL = 'neverlose-market';

/** @internal The part of a `node:diagnostics_channel` channel this package uses. */
export interface Channel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

let channel: Channel | null | undefined;

/**
 * @internal The `neverlose-market` diagnostics channel, or `null` where there is none. Looked up on
 * first use through `process.getBuiltinModule` (Node 20.16+, Bun, Deno), never imported: a runtime
 * without `node:` modules (Workers without `nodejs_compat`) loads this package all the same.
 */
export function diagnosticsChannel(): Channel | null {
  if (channel === undefined) {
    try {
      const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
        .process;
      const module = host?.getBuiltinModule?.('node:diagnostics_channel') as
        | { channel(name: string): Channel }
        | undefined;
      channel = module?.channel(DIAGNOSTICS_CHANNEL) ?? null;
    } catch {
      channel = null;
    }
  }
  return channel;
}

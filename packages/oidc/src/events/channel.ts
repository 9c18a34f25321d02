/** The name of the diagnostics channel every client publishes its events on. */
export const DIAGNOSTICS_CHANNEL = 'neverlose-oidc';

/** @internal The part of a `node:diagnostics_channel` channel this package uses. */
export interface Channel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown;
}

let channel: Channel | null | undefined;

/**
 * @internal The `neverlose-oidc` diagnostics channel, or `null` where there is none. Looked up
 * on first use through `process.getBuiltinModule` (Node 20.16+, Bun, Deno), never imported:
 * a runtime without `node:` modules (Cloudflare Workers without nodejs_compat) loads this package
 * all the same.
 */
export function diagnosticsChannel(): Channel | null {
  if (channel === undefined) {
    try {
      const process = (globalThis as { process?: ProcessWithBuiltins }).process;
      const module = process?.getBuiltinModule?.('node:diagnostics_channel') as
        | { channel(name: string): Channel }
        | undefined;
      channel = module?.channel(DIAGNOSTICS_CHANNEL) ?? null;
    } catch {
      channel = null;
    }
  }
  return channel;
}

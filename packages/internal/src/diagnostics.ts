import { builtinModule } from './builtin.js';

/**
 * The diagnostics plumbing of a package: where each record of a component goes (the hook its
 * user passed as `onDiagnostic`, the package's `node:diagnostics_channel` channel, and stderr
 * when `NODE_DEBUG` names the package). A package names its channel and its `NODE_DEBUG` section
 * after itself (`neverlose-market`), and says what every record carries (a timestamp, and in
 * neverlose-oidc the issuer and client id).
 */

/** The part of a `node:diagnostics_channel` channel the packages use. */
export interface DiagnosticsChannel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

interface DiagnosticsChannelModule {
  channel(name: string): DiagnosticsChannel;
}

const channels = new Map<string, DiagnosticsChannel | null>();

/**
 * The diagnostics channel `name`, or `null` where there is none. Looked up on first use through
 * `process.getBuiltinModule`, never imported: a runtime without `node:` modules (Workers without
 * `nodejs_compat`) loads the package all the same.
 */
export function diagnosticsChannel(name: string): DiagnosticsChannel | null {
  let channel = channels.get(name);
  if (channel === undefined) {
    try {
      channel =
        builtinModule<DiagnosticsChannelModule>(
          'node:diagnostics_channel',
          (module) => typeof module.channel === 'function',
        )?.channel(name) ?? null;
    } catch {
      channel = null;
    }
    channels.set(name, channel);
  }
  return channel;
}

interface ProcessLike {
  readonly pid?: number;
  readonly env?: Record<string, string | undefined>;
}

function currentProcess(): ProcessLike | undefined {
  return (globalThis as { process?: ProcessLike }).process;
}

/** `NODE_DEBUG`, or `''` where there is no environment or no permission to read it (Deno). */
function nodeDebug(): string {
  try {
    return currentProcess()?.env?.['NODE_DEBUG'] ?? '';
  } catch {
    return '';
  }
}

/**
 * Whether `NODE_DEBUG` names `section`, as Node's `util.debuglog` reads it: a list separated by
 * commas or spaces, any case, where `*` matches anything (`neverlose-*`).
 */
export function debugEnabled(section: string, value: string = nodeDebug()): boolean {
  return value
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((pattern) => {
      const source = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
      return new RegExp(`^${source}$`, 'i').test(section);
    });
}

/**
 * One line of debug output for a record, in `util.debuglog`'s form:
 * `NEVERLOSE-MARKET 4242: market:response {"method":"get-balance",...}`.
 */
export function debugLine(section: string, diagnostic: { readonly type: string }): string {
  const { type, ...fields } = diagnostic;
  const pid = currentProcess()?.pid;
  return `${section.toUpperCase()}${pid === undefined ? '' : ` ${pid}`}: ${type} ${JSON.stringify(fields)}`;
}

/** Where one component's diagnostics go. */
export interface DiagnosticSink<I> {
  /** True when someone listens; when false, building a record is wasted work. */
  readonly active: boolean;
  /** Completes the record, then hands it to the hook, the channel and `NODE_DEBUG`. */
  emit(input: I): void;
}

/** How a package's sink is made. */
export interface DiagnosticSinkOptions<I, D extends { readonly type: string }> {
  /** The package's channel name and `NODE_DEBUG` section, such as `neverlose-market`. */
  readonly name: string;
  /** The user's `onDiagnostic`, if any. */
  readonly hook: ((diagnostic: D) => unknown) | undefined;
  /** The record, from what the component reported (adds the timestamp and the like). */
  readonly complete: (input: I) => D;
}

/**
 * The sink of one component. `NODE_DEBUG` is read once, here. Records are frozen. A hook that
 * throws or rejects is ignored: observing a call never changes its outcome.
 */
export function createDiagnosticSink<I, D extends { readonly type: string }>(
  options: DiagnosticSinkOptions<I, D>,
): DiagnosticSink<I> {
  const { name, hook, complete } = options;
  const debug = debugEnabled(name);
  return {
    get active() {
      return hook !== undefined || debug || diagnosticsChannel(name)?.hasSubscribers === true;
    },
    emit(input) {
      const diagnostic = Object.freeze(complete(input));
      if (hook !== undefined) {
        try {
          const returned = hook(diagnostic);
          if (typeof (returned as Promise<unknown> | undefined)?.then === 'function') {
            (returned as Promise<unknown>).then(undefined, () => {});
          }
        } catch {
          // A broken hook must not break the call it observes.
        }
      }
      const channel = diagnosticsChannel(name);
      if (channel?.hasSubscribers) channel.publish(diagnostic);
      if (debug) {
        try {
          console.error(debugLine(name, diagnostic));
        } catch {
          // stderr closed: nothing to do.
        }
      }
    },
  };
}

import type { NeverloseMarketEvent } from './events.js';

/** The `NODE_DEBUG` section that prints this package's events to stderr. */
export const DEBUG_SECTION = 'neverlose-market';

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
 * @internal Whether `NODE_DEBUG` names `section`, as Node's `util.debuglog` reads it: a list
 * separated by commas or spaces, any case, where `*` matches anything (`neverlose-*`).
 */
export function debugEnabled(
  section: string = DEBUG_SECTION,
  value: string = nodeDebug(),
): boolean {
  return value
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((pattern) => {
      const source = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
      return new RegExp(`^${source}$`, 'i').test(section);
    });
}

/**
 * @internal One line of debug output for an event, in `util.debuglog`'s form:
 * `NEVERLOSE-MARKET 4242: market:response {"method":"get-balance",...}`.
 */
export function debugLine(event: NeverloseMarketEvent): string {
  const { type, ...fields } = event;
  const pid = currentProcess()?.pid;
  return `${DEBUG_SECTION.toUpperCase()}${pid === undefined ? '' : ` ${pid}`}: ${type} ${JSON.stringify(fields)}`;
}

import {
  createDiagnosticSink as createSink,
  type DiagnosticSink as Sink,
} from '@neverlose-toolkit/internal/diagnostics';
import { DIAGNOSTICS_CHANNEL } from './channel.js';
import type { MarketDiagnostic, MarketDiagnosticBase } from './records.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** @internal A diagnostic as a component reports it: the sink adds the timestamp. */
export type DiagnosticInput<D extends MarketDiagnostic> = DistributiveOmit<
  D,
  keyof MarketDiagnosticBase
>;

/** @internal Where a component's diagnostics go: its hook, the channel, `NODE_DEBUG`. */
export type DiagnosticSink<D extends MarketDiagnostic> = Sink<DiagnosticInput<D>>;

/**
 * @internal The sink of one component: its `onDiagnostic` hook, the `neverlose-market`
 * diagnostics channel, and `NODE_DEBUG=neverlose-market`. A hook that throws or rejects is
 * ignored: observing a call never changes its outcome.
 */
export function createDiagnosticSink<D extends MarketDiagnostic>(
  hook: ((diagnostic: D) => unknown) | undefined,
): DiagnosticSink<D> {
  return createSink({
    name: DIAGNOSTICS_CHANNEL,
    hook,
    complete: (input) => ({ timestamp: Date.now(), ...input }) as unknown as D,
  });
}

const SIGNATURE_FIELD_RE = /"signature"\s*:\s*"[^"]*"/g;

/** @internal A JSON body with the value of every `signature` field replaced by `[redacted]`. */
export function redactSignature(body: string): string {
  return body.replace(SIGNATURE_FIELD_RE, '"signature":"[redacted]"');
}

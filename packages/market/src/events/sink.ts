import { diagnosticsChannel } from './channel.js';
import { debugEnabled, debugLine } from './debug.js';
import type { NeverloseMarketEvent, NeverloseMarketEventBase } from './events.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** @internal An event as a component reports it: the sink adds the timestamp. */
export type EventInput<E extends NeverloseMarketEvent> = DistributiveOmit<
  E,
  keyof NeverloseMarketEventBase
>;

/** @internal Where a component's events go: its hook, the diagnostics channel, `NODE_DEBUG`. */
export interface EventSink<E extends NeverloseMarketEvent> {
  /** True when someone listens; when false, building an event is wasted work. */
  readonly active: boolean;
  emit(event: EventInput<E>): void;
}

/**
 * @internal The sink of one component. `NODE_DEBUG` is read once, here. A hook that throws or
 * rejects is ignored: observing a call never changes its outcome.
 */
export function createEventSink<E extends NeverloseMarketEvent>(
  hook: ((event: E) => unknown) | undefined,
): EventSink<E> {
  const debug = debugEnabled();
  return {
    get active() {
      return hook !== undefined || debug || diagnosticsChannel()?.hasSubscribers === true;
    },
    emit(input) {
      const event = Object.freeze({ timestamp: Date.now(), ...input }) as unknown as E;
      if (hook !== undefined) {
        try {
          const returned = hook(event);
          if (typeof (returned as Promise<unknown> | undefined)?.then === 'function') {
            (returned as Promise<unknown>).then(undefined, () => {});
          }
        } catch {
          // A broken hook must not break the call it observes.
        }
      }
      const channel = diagnosticsChannel();
      if (channel?.hasSubscribers) channel.publish(event);
      if (debug) {
        try {
          console.error(debugLine(event));
        } catch {
          // stderr closed: nothing to do.
        }
      }
    },
  };
}

const SIGNATURE_FIELD_RE = /"signature"\s*:\s*"[^"]*"/g;

/** @internal A JSON body with the value of every `signature` field replaced by `[redacted]`. */
export function redactSignature(body: string): string {
  return body.replace(SIGNATURE_FIELD_RE, '"signature":"[redacted]"');
}

import { sha256Base64url } from '../lib/web-crypto.js';
import { diagnosticsChannel } from './channel.js';
import { DEBUG_SECTION, debugEnabled, debugLine } from './debug.js';
import type { NeverloseOidcEvent, NeverloseOidcEventBase, StateHash } from './events.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** @internal An event as a step reports it: the sink adds the timestamp, issuer and client id. */
export type EventInput = DistributiveOmit<NeverloseOidcEvent, keyof NeverloseOidcEventBase>;

/** @internal Where a client's events go: `onEvent`, the diagnostics channel, `NODE_DEBUG`. */
export interface EventSink {
  /** True when someone listens; when false, building an event is wasted work. */
  readonly active: boolean;
  emit(event: EventInput): void;
}

/**
 * @internal The sink of one client. `NODE_DEBUG` is read once, here. A hook that throws or
 * rejects is ignored: observing a login never changes its outcome.
 */
export function createEventSink(
  context: { readonly issuer: string; readonly clientId: string },
  onEvent: ((event: NeverloseOidcEvent) => unknown) | undefined,
): EventSink {
  const debug = debugEnabled(DEBUG_SECTION);
  return {
    get active() {
      return onEvent !== undefined || debug || diagnosticsChannel()?.hasSubscribers === true;
    },
    emit(input) {
      const { type, ...fields } = input;
      const event = Object.freeze({
        type,
        timestamp: Date.now(),
        issuer: context.issuer,
        clientId: context.clientId,
        ...fields,
      }) as NeverloseOidcEvent;
      if (onEvent !== undefined) {
        try {
          const returned = onEvent(event);
          if (typeof (returned as Promise<unknown> | undefined)?.then === 'function') {
            (returned as Promise<unknown>).then(undefined, () => {});
          }
        } catch {
          // A broken hook must not break the login it observes.
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

/** @internal The {@link StateHash} of `state`, or `undefined` when nobody listens or no state. */
export async function stateHashOf(
  sink: EventSink,
  state: string | null | undefined,
): Promise<StateHash | undefined> {
  if (!sink.active || typeof state !== 'string' || state === '') return undefined;
  return (await sha256Base64url(state)).slice(0, 12);
}

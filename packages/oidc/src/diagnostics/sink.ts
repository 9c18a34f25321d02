import {
  createDiagnosticSink as createSink,
  type DiagnosticSink as Sink,
} from '@neverlose-toolkit/internal/diagnostics';
import { sha256Base64url } from '../lib/web-crypto.js';
import { DIAGNOSTICS_CHANNEL } from './channel.js';
import type { NeverloseOidcDiagnostic, NeverloseOidcDiagnosticBase, StateHash } from './records.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** @internal A diagnostic as a step reports it: the sink adds the timestamp, issuer and client id. */
export type DiagnosticInput = DistributiveOmit<
  NeverloseOidcDiagnostic,
  keyof NeverloseOidcDiagnosticBase
>;

/** @internal Where a client's diagnostics go: `onDiagnostic`, the channel, `NODE_DEBUG`. */
export type DiagnosticSink = Sink<DiagnosticInput>;

/**
 * @internal The sink of one client: its `onDiagnostic` hook, the `neverlose-oidc` diagnostics
 * channel, and `NODE_DEBUG=neverlose-oidc`. A hook that throws or rejects is ignored: observing a
 * login never changes its outcome.
 */
export function createDiagnosticSink(
  context: { readonly issuer: string; readonly clientId: string },
  onDiagnostic: ((diagnostic: NeverloseOidcDiagnostic) => unknown) | undefined,
): DiagnosticSink {
  return createSink({
    name: DIAGNOSTICS_CHANNEL,
    hook: onDiagnostic,
    complete: ({ type, ...fields }) =>
      ({
        type,
        timestamp: Date.now(),
        issuer: context.issuer,
        clientId: context.clientId,
        ...fields,
      }) as NeverloseOidcDiagnostic,
  });
}

/** @internal The {@link StateHash} of `state`, or `undefined` when nobody listens or no state. */
export async function stateHashOf(
  sink: DiagnosticSink,
  state: string | null | undefined,
): Promise<StateHash | undefined> {
  if (!sink.active || typeof state !== 'string' || state === '') return undefined;
  return (await sha256Base64url(state)).slice(0, 12);
}

import type { MarketClientDiagnostic } from '../diagnostics/records.js';
import { createDiagnosticSink, type DiagnosticSink } from '../diagnostics/sink.js';
import { encodeSignedRequest } from '../signing/request-body.js';
import { MarketApiError, MarketTransportError } from './errors.js';
import {
  FLOAT_FIELDS,
  type MarketActionName,
  type MarketMethodName,
  type WireParams,
} from './methods.js';
import type { ResolvedClientOptions } from './options.js';
import { type ReplyFields, readReply } from './replies.js';
import type { RequestId } from './request-id.js';
import type { ActionOutcome } from './results.js';
import { postWithRetries, type TransportReply, type TransportSettings } from './transport.js';

const NO_FLOATS: ReadonlySet<string> = new Set();

/**
 * @internal Signs, sends and reads one call: the body is signed over exactly the bytes sent,
 * retries reuse those bytes, and each attempt is reported to the client's events.
 */
export class SignedSender {
  readonly events: DiagnosticSink<MarketClientDiagnostic>;
  readonly #userId: number | bigint;
  readonly #secret: string;
  readonly #baseUrl: string;
  readonly #transport: TransportSettings;

  constructor(options: ResolvedClientOptions) {
    this.#userId = options.userId;
    this.#secret = options.secret;
    this.#baseUrl = options.baseUrl;
    this.events = createDiagnosticSink(options.onDiagnostic);
    this.#transport = {
      events: this.events,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      retryBaseMs: options.retryBaseMs,
      retryMaxMs: options.retryMaxMs,
      reuseConnections: options.reuseConnections,
    };
  }

  /**
   * Sends an action. `idIsOurs`: the id names this operation alone (journaled, derived from a key,
   * or resent), so `Invalid id.` means an earlier send of it was applied. Otherwise that answer on
   * a first attempt is a collision with some other action (`ERR_MARKET_ID_COLLISION`).
   */
  async action(
    method: MarketActionName,
    wire: WireParams,
    id: RequestId,
    idIsOurs: boolean,
    signal: AbortSignal | undefined,
  ): Promise<ActionOutcome> {
    const reply = await this.#post(method, { user_id: this.#userId, id, ...wire }, id, signal);
    const base = { method, id, attempts: reply.attempt, fromJournal: false } as const;
    try {
      const fields = this.#read(method, reply, id, true);
      return { ...base, status: 'completed', reply: fields };
    } catch (error) {
      if (error instanceof MarketApiError && error.code === 'ERR_MARKET_ID_COLLISION') {
        // "Invalid id." answers a send of an id already applied: done, not failed.
        if (idIsOurs || reply.attempt > 1) {
          this.#report(method, reply, id, 'already-completed');
          return { ...base, status: 'already-completed' };
        }
        this.#report(method, reply, id, 'api-error', error.code);
      }
      throw error;
    }
  }

  /** Sends a read or a setting (no request id) and returns the reply's fields. */
  async call(
    method: MarketMethodName,
    wire: WireParams,
    signal: AbortSignal | undefined,
  ): Promise<{ fields: ReplyFields; attempts: number }> {
    const reply = await this.#post(method, { user_id: this.#userId, ...wire }, undefined, signal);
    return { fields: this.#read(method, reply, undefined, false), attempts: reply.attempt };
  }

  #post(
    method: MarketMethodName,
    payload: Record<string, unknown>,
    id: RequestId | undefined,
    signal: AbortSignal | undefined,
  ): Promise<TransportReply> {
    const { body } = encodeSignedRequest(payload, this.#secret, FLOAT_FIELDS[method] ?? NO_FLOATS);
    return postWithRetries(
      `${this.#baseUrl}/${method}`,
      body,
      this.#transport,
      { method, requestId: id },
      signal,
    );
  }

  /**
   * Reads the reply and reports the attempt's outcome, except `Invalid id.` to an action
   * (`isAction`), which the caller reports once it knows whether it means done.
   */
  #read(
    method: MarketMethodName,
    reply: TransportReply,
    id: RequestId | undefined,
    isAction: boolean,
  ): ReplyFields {
    try {
      const fields = readReply(reply.text, {
        method,
        requestId: id === undefined ? undefined : asLabel(id),
        attempts: reply.attempt,
        httpStatus: reply.status,
      });
      this.#report(method, reply, id, 'ok');
      return fields;
    } catch (error) {
      if (error instanceof MarketApiError) {
        if (!(isAction && error.code === 'ERR_MARKET_ID_COLLISION'))
          this.#report(method, reply, id, 'api-error', error.code);
      } else if (error instanceof MarketTransportError) {
        this.#report(method, reply, id, 'transport-error', error.code);
      }
      throw error;
    }
  }

  #report(
    method: MarketMethodName,
    reply: TransportReply,
    id: RequestId | undefined,
    outcome: 'ok' | 'already-completed' | 'api-error' | 'transport-error',
    code?: MarketResponseCode,
  ): void {
    if (!this.events.active) return;
    this.events.emit({
      type: 'market:response',
      method,
      ...(id === undefined ? {} : { requestId: String(id) }),
      attempt: reply.attempt,
      outcome,
      status: reply.status,
      durationMs: reply.durationMs,
      ...(code === undefined ? {} : { code }),
    });
  }
}

type MarketResponseCode = Extract<MarketClientDiagnostic, { type: 'market:response' }>['code'];

/** @internal Error labels carry ids as JSON-safe values. */
export function asLabel(id: RequestId): string | number {
  return typeof id === 'bigint' ? id.toString() : id;
}

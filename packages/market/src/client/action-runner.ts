import { JournalError } from '../journal/errors.js';
import type { IdJournal, JournalEntry, JournalRef } from '../journal/journal.js';
import { sha256Hex } from '../lib/crypto.js';
import { apiErrorCode, isMarketApiErrorCode, MarketApiError, MarketInputError } from './errors.js';
import {
  type ActionOptions,
  isActionMethod,
  type LooseParams,
  type MarketActionName,
  signalOf,
  type WireParams,
} from './methods.js';
import {
  decodeRequestId,
  encodeRequestId,
  generateRequestId,
  keyRequestId,
  type RequestId,
  validateRequestId,
} from './request-id.js';
import { type ActionOutcome, type ActionResult, type ResumeReport, withKey } from './results.js';
import { asLabel, type SignedSender } from './signed-sender.js';

/**
 * @internal Runs actions (the methods that spend or give): picks the request id (explicit, from
 * the business key, or fresh), and with a journal writes the operation before its request leaves,
 * answers a finished operation from the journal, and records the outcome. A business key names one
 * operation per method, with or without a journal: its request id is derived from both, and so is
 * its journal entry.
 */
export class ActionRunner {
  readonly #sender: SignedSender;
  readonly #journal: IdJournal | undefined;
  readonly #idPrefix: string;
  /** Journaled operations being sent by this process, by entry: a second call shares the first. */
  readonly #inflight = new Map<string, Promise<ActionOutcome>>();

  constructor(sender: SignedSender, journal: IdJournal | undefined, idPrefix: string) {
    this.#sender = sender;
    this.#journal = journal;
    this.#idPrefix = idPrefix;
  }

  async run(
    method: MarketActionName,
    params: LooseParams<ActionOptions>,
    wire: WireParams,
  ): Promise<ActionResult> {
    const explicitId = params.id === undefined ? undefined : validateRequestId(params.id);
    const { key } = params;
    if (key !== undefined && (typeof key !== 'string' || key.length === 0 || !key.isWellFormed())) {
      throw new MarketInputError(
        'ERR_INVALID_ARGUMENT',
        `${method}: "key" must be a non-empty string without lone UTF-16 surrogates`,
      );
    }
    const signal = signalOf(method, params.signal);
    // An explicit id wins; a key stands for one id, the same in every process.
    const id =
      explicitId ??
      (key === undefined
        ? generateRequestId(this.#idPrefix)
        : keyRequestId(method, key, this.#idPrefix));
    const journal = this.#journal;
    if (!journal) {
      // "Invalid id." on a key's id, or on an id the caller says it resends, means applied before.
      const idIsOurs = (key !== undefined && explicitId === undefined) || params.resend === true;
      return withKey(await this.#sender.action(method, wire, id, idIsOurs, signal), key);
    }
    const journalKey = key ?? `id:${encodeRequestId(id)}`;
    const params_ = JSON.stringify(wire);
    const fingerprint = sha256Hex(`${method}\n${params_}`);
    const { created, entry } = await journal.begin({
      key: journalKey,
      requestId: encodeRequestId(id),
      method,
      params: params_,
      fingerprint,
    });
    if (!created) {
      if (entry.fingerprint !== fingerprint) {
        throw new JournalError(
          'ERR_JOURNAL_KEY_CONFLICT',
          `Key ${JSON.stringify(journalKey)} already maps to a ${entry.method} with other parameters; nothing was sent.`,
        );
      }
      if (explicitId !== undefined && entry.requestId !== encodeRequestId(explicitId)) {
        throw new JournalError(
          'ERR_JOURNAL_KEY_CONFLICT',
          `Key ${JSON.stringify(journalKey)} already maps to request id ${entry.requestId}, not ${encodeRequestId(explicitId)}.`,
        );
      }
    }
    this.#journalEvent(created ? 'begin' : entry.state === 'pending' ? 'reuse' : 'replay', entry);
    return withKey(await this.#runJournaled(journal, entry, method, wire, signal), key);
  }

  /**
   * Re-sends every pending operation of the journal with its original id, one at a time.
   * `still-pending` ones stay in the journal. Before each is sent its entry is written again
   * (`begin`), so a journal that can no longer record the outcome (read-only, unreachable) refuses
   * it before anything leaves, and one another instance settled meanwhile is not sent again.
   */
  async resumePending(signal: AbortSignal | undefined): Promise<ResumeReport[]> {
    const journal = this.#journal;
    if (!journal) {
      throw new MarketInputError(
        'ERR_INVALID_OPTION',
        'MarketClient: resumePending() needs the "journal" option.',
      );
    }
    const reports: ResumeReport[] = [];
    for (const entry of await journal.pending()) {
      let id: RequestId = entry.requestId;
      try {
        id = decodeRequestId(entry.requestId);
        const method = entry.method;
        if (!isActionMethod(method)) {
          throw new JournalError(
            'ERR_JOURNAL_KEY_CONFLICT',
            `Journal entry ${entry.key} names unknown method ${method}.`,
          );
        }
        const wire = readWireParams(entry);
        const { entry: current } = await journal.begin({
          key: entry.key,
          requestId: entry.requestId,
          method,
          params: entry.params,
          fingerprint: entry.fingerprint,
        });
        this.#journalEvent('resume', current);
        const outcome = await this.#runJournaled(journal, current, method, wire, signal);
        reports.push(withKey(outcome, entry.key));
      } catch (error) {
        const base = { key: entry.key, method: entry.method, id };
        if (error instanceof MarketApiError) reports.push({ ...base, status: 'failed', error });
        else reports.push({ ...base, status: 'still-pending', error });
      }
    }
    return reports;
  }

  /** Sends a journaled operation (once per key at a time in this process) and records its end. */
  #runJournaled(
    journal: IdJournal,
    entry: JournalEntry,
    method: MarketActionName,
    wire: WireParams,
    signal: AbortSignal | undefined,
  ): Promise<ActionOutcome> {
    const id = decodeRequestId(entry.requestId);
    if (entry.state === 'completed' && entry.completion) {
      const base = { method, id, attempts: 0, fromJournal: true } as const;
      return Promise.resolve(
        entry.completion.status === 'completed'
          ? { ...base, status: 'completed', reply: entry.completion.reply ?? {} }
          : { ...base, status: 'already-completed' },
      );
    }
    if (entry.state === 'failed' && entry.failure) {
      const { code, message } = entry.failure;
      return Promise.reject(
        new MarketApiError(message, {
          method,
          requestId: asLabel(id),
          attempts: 0,
          code: isMarketApiErrorCode(code) ? code : apiErrorCode(message),
        }),
      );
    }
    const slot = `${entry.method}\0${entry.key}`;
    const running = this.#inflight.get(slot);
    if (running) return running;
    const task = (async () => {
      try {
        // The journal holds this id, so it is ours: whoever sent it (another instance sharing the
        // journal, an attempt before a crash), "Invalid id." means it was applied.
        const outcome = await this.#sender.action(method, wire, id, true, signal);
        await journal.complete(
          refOf(entry),
          outcome.status === 'completed'
            ? { status: outcome.status, reply: outcome.reply }
            : { status: outcome.status },
        );
        this.#journalEvent('complete', entry);
        return outcome;
      } catch (error) {
        if (error instanceof MarketApiError) {
          await journal.fail(refOf(entry), { code: error.code, message: error.providerMessage });
          this.#journalEvent('fail', entry);
        }
        throw error;
      } finally {
        this.#inflight.delete(slot);
      }
    })();
    this.#inflight.set(slot, task);
    return task;
  }

  #journalEvent(
    action: 'begin' | 'reuse' | 'replay' | 'complete' | 'fail' | 'resume',
    entry: JournalEntry,
  ): void {
    const { events } = this.#sender;
    if (!events.active) return;
    events.emit({
      type: 'market:journal',
      action,
      method: entry.method,
      key: entry.key,
      requestId: String(asLabel(decodeRequestId(entry.requestId))),
    });
  }
}

function refOf(entry: JournalEntry): JournalRef {
  return { method: entry.method, key: entry.key };
}

/** The wire fields a journal entry recorded, checked: a journal is storage, not trusted input. */
function readWireParams(entry: JournalEntry): WireParams {
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.params);
  } catch (cause) {
    throw new JournalError(
      'ERR_JOURNAL_CORRUPT',
      `Journal entry ${JSON.stringify(entry.key)} holds parameters that are not JSON.`,
      { cause },
    );
  }
  const wire: WireParams = {};
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new JournalError(
          'ERR_JOURNAL_CORRUPT',
          `Journal entry ${JSON.stringify(entry.key)} holds a parameter "${name}" of an unexpected type.`,
        );
      }
      wire[name] = value;
    }
    return wire;
  }
  throw new JournalError(
    'ERR_JOURNAL_CORRUPT',
    `Journal entry ${JSON.stringify(entry.key)} holds parameters that are not a JSON object.`,
  );
}

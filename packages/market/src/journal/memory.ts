import { JournalError } from './errors.js';
import type {
  IdJournal,
  JournalCompletion,
  JournalEntry,
  JournalFailure,
  JournalRef,
  NewJournalEntry,
} from './journal.js';

/**
 * An in-memory {@link IdJournal}: for tests and short scripts. It does not survive a restart, so it
 * cannot resume anything after a crash; use {@link openSqliteIdJournal} for real money.
 *
 * @example
 * ```ts
 * const client = new MarketClient({ userId, secret, journal: new MemoryIdJournal() });
 * ```
 */
export class MemoryIdJournal implements IdJournal {
  readonly #entries = new Map<string, JournalEntry>();
  readonly #refsById = new Map<string, JournalRef>();

  begin(entry: NewJournalEntry): { created: boolean; entry: JournalEntry } {
    const existing = this.#entries.get(slot(entry));
    if (existing) return { created: false, entry: existing };
    const owner = this.#refsById.get(entry.requestId);
    if (owner !== undefined) {
      throw JournalError.idReused(entry.requestId, owner);
    }
    const now = Date.now();
    const created: JournalEntry = { ...entry, state: 'pending', createdAt: now, updatedAt: now };
    this.#entries.set(slot(entry), created);
    this.#refsById.set(entry.requestId, { method: entry.method, key: entry.key });
    return { created: true, entry: created };
  }

  complete(ref: JournalRef, completion: JournalCompletion): void {
    this.#update(ref, { state: 'completed', completion });
  }

  fail(ref: JournalRef, failure: JournalFailure): void {
    this.#update(ref, { state: 'failed', failure });
  }

  get(ref: JournalRef): JournalEntry | undefined {
    return this.#entries.get(slot(ref));
  }

  pending(): JournalEntry[] {
    return [...this.#entries.values()].filter((entry) => entry.state === 'pending');
  }

  #update(ref: JournalRef, change: Partial<JournalEntry>): void {
    const entry = this.#entries.get(slot(ref));
    if (!entry) throw JournalError.unknownKey(ref);
    if (entry.state !== 'pending') return;
    this.#entries.set(slot(ref), { ...entry, ...change, updatedAt: Date.now() });
  }
}

/** Method and key as one map key: a method never holds a NUL character. */
function slot(ref: JournalRef): string {
  return `${ref.method}\0${ref.key}`;
}

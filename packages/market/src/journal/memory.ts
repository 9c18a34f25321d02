import { JournalError } from './errors.js';
import type {
  IdJournal,
  JournalCompletion,
  JournalEntry,
  JournalFailure,
  NewJournalEntry,
} from './journal.js';

/**
 * An in-memory {@link IdJournal}: for tests and short scripts. It does not survive a restart, so it
 * cannot resume anything after a crash; use {@link openSqliteJournal} for real money.
 *
 * @example
 * ```ts
 * const client = new MarketClient({ userId, secret, journal: new MemoryJournal() });
 * ```
 */
export class MemoryJournal implements IdJournal {
  readonly #entries = new Map<string, JournalEntry>();
  readonly #keysById = new Map<string, string>();

  begin(entry: NewJournalEntry): { created: boolean; entry: JournalEntry } {
    const existing = this.#entries.get(entry.key);
    if (existing) return { created: false, entry: existing };
    const owner = this.#keysById.get(entry.requestId);
    if (owner !== undefined) {
      throw new JournalError(
        'ERR_JOURNAL_ID_REUSED',
        `Request id ${entry.requestId} already belongs to key ${JSON.stringify(owner)}.`,
      );
    }
    const now = Date.now();
    const created: JournalEntry = { ...entry, state: 'pending', createdAt: now, updatedAt: now };
    this.#entries.set(entry.key, created);
    this.#keysById.set(entry.requestId, entry.key);
    return { created: true, entry: created };
  }

  complete(key: string, completion: JournalCompletion): void {
    this.#update(key, { state: 'completed', completion });
  }

  fail(key: string, failure: JournalFailure): void {
    this.#update(key, { state: 'failed', failure });
  }

  get(key: string): JournalEntry | undefined {
    return this.#entries.get(key);
  }

  pending(): JournalEntry[] {
    return [...this.#entries.values()].filter((entry) => entry.state === 'pending');
  }

  #update(key: string, change: Partial<JournalEntry>): void {
    const entry = this.#entries.get(key);
    if (!entry)
      throw new JournalError(
        'ERR_JOURNAL_UNKNOWN_KEY',
        `No journal entry for key ${JSON.stringify(key)}.`,
      );
    if (entry.state !== 'pending') return;
    this.#entries.set(key, { ...entry, ...change, updatedAt: Date.now() });
  }
}

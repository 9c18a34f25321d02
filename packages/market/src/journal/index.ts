export { JournalError, type JournalErrorCode } from './errors.js';
export type {
  Awaitable,
  IdJournal,
  JournalCompletion,
  JournalEntry,
  JournalFailure,
  JournalRef,
  JournalState,
  NewJournalEntry,
} from './journal.js';
export { MemoryIdJournal } from './memory.js';

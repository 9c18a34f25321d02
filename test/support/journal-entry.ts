import type { NewJournalEntry } from 'neverlose-market/journal';

/** A gift as `MarketClient` journals it, for the key and request id given. */
export const journalEntry = (key: string, requestId: string): NewJournalEntry => ({
  key,
  requestId,
  method: 'gift-product',
  params: '{"username":"darth","product":"cs2","cnt":0}',
  fingerprint: `fp-${key}`,
});

/**
 * A gift as `MarketClient` journals it, for the key and request id given: a `NewJournalEntry` of
 * `neverlose-market/journal` (typed where it is used, so that this package depends on no package
 * it tests).
 */
export const journalEntry = (key: string, requestId: string) => ({
  key,
  requestId,
  method: 'gift-product' as const,
  params: '{"username":"darth","product":"cs2","cnt":0}',
  fingerprint: `fp-${key}`,
});

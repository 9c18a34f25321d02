// dynamo-journal.test.ts: your own IdJournal, proved with the suite every journal runs.

import {
  MemoryIdJournal,
  MemorySingleUseTokenStore,
  MemoryWebhookDedupStore,
} from 'neverlose-market';
import {
  testIdJournal,
  testSingleUseTokenStore,
  testWebhookDedupStore,
} from 'neverlose-market/testing';
import { describe, expect, it } from 'vitest';

// Here the in-memory stores stand in for yours.
testIdJournal({
  name: 'my journal',
  test: { describe, it, expect },
  open: () => new MemoryIdJournal(),
});
testWebhookDedupStore({
  name: 'my dedup store',
  test: { describe, it, expect },
  open: ({ now }) => new MemoryWebhookDedupStore(now),
});
testSingleUseTokenStore({
  name: 'my token store',
  test: { describe, it, expect },
  open: ({ now }) => new MemorySingleUseTokenStore(now),
});

// dynamo-stores.test.ts: your own stores, proved with the suites every store of the toolkit runs.

import { MemorySessionRevocationStore, MemoryTransactionStore } from 'neverlose-oidc';
import { testSessionRevocationStore, testTransactionStore } from 'neverlose-oidc/testing';
import { describe, expect, it } from 'vitest';

// Here the in-memory stores stand in for yours.
testTransactionStore({
  name: 'my transaction store',
  test: { describe, it, expect },
  open: ({ now }) => new MemoryTransactionStore({ now }),
});
testSessionRevocationStore({
  name: 'my revocation store',
  test: { describe, it, expect },
  open: ({ now }) => new MemorySessionRevocationStore({ now }),
});

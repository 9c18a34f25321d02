// `neverlose-market/testing`: the contract suites every store of the toolkit runs, for stores of
// your own. They register tests with the runner you pass (vitest, Jest); nothing here imports one.
export { testIdJournal } from './id-journal.js';
export type { StoreTestContext, StoreTestOptions, TestApi } from './runner.js';
export { testSingleUseTokenStore } from './single-use-token-store.js';
export { testWebhookDedupStore } from './webhook-dedup-store.js';

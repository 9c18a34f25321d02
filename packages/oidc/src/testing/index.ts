// `neverlose-oidc/testing`: the contract suites every store of the toolkit runs, for stores of
// your own. They register tests with the runner you pass (vitest, Jest, node:test); nothing here
// imports one.
export type { StoreTestContext, StoreTestOptions, TestApi } from './runner.js';
export { testSessionRevocationStore } from './session-revocation-store.js';
export { testTransactionStore } from './transaction-store.js';

// The runner every contract suite of the toolkit shares (bundled from the workspace package).
export {
  declareSuite,
  failureOf,
  type StoreTestContext,
  type StoreTestOptions,
  type TestApi,
  type TestRun,
} from '@neverlose-toolkit/internal/store-tests';

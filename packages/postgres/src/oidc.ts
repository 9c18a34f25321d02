export {
  PostgresSessionRevocationStore,
  type PostgresSessionRevocationStoreOptions,
} from './oidc/session-revocation-store.js';
export {
  PostgresTransactionStore,
  type PostgresTransactionStoreOptions,
} from './oidc/transaction-store.js';

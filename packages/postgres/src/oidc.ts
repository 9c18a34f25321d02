export {
  PostgresTransactionStore,
  type PostgresTransactionStoreOptions,
} from './oidc/transaction-store.js';

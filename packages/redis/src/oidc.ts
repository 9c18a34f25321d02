export {
  RedisTransactionStore,
  type RedisTransactionStoreOptions,
} from './oidc/transaction-store.js';

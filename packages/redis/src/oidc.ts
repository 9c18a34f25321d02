export * from './index.js';
export {
  RedisTransactionStore,
  type RedisTransactionStoreOptions,
} from './oidc/transaction-store.js';

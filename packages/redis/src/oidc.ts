export {
  RedisSessionRevocationStore,
  type RedisSessionRevocationStoreOptions,
} from './oidc/session-revocation-store.js';
export {
  RedisTransactionStore,
  type RedisTransactionStoreOptions,
} from './oidc/transaction-store.js';

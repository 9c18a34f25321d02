import { assertTransaction, type TransactionStore, transactionKey } from 'neverlose-oidc';

// #region readme
// Several processes: a shared store. `take` must get and delete in one step (GETDEL); the key is
// the SHA-256 of the browser binding, so that whoever reads Redis learns no binding.
export const redisStore: TransactionStore = {
  async set(binding, transaction, ttl) {
    const key = `nl:tx:${await transactionKey(binding)}`;
    await redis.set(key, JSON.stringify(transaction), 'PX', ttl);
  },
  async take(binding) {
    const json = await redis.getdel(`nl:tx:${await transactionKey(binding)}`);
    if (json === null) return undefined;
    const transaction: unknown = JSON.parse(json);
    assertTransaction(transaction); // throws ERR_TRANSACTION_MISSING when malformed
    return transaction;
  },
};
// #endregion

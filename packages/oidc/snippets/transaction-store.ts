import { assertTransaction, type TransactionStore } from 'neverlose-oidc';

// #region readme
// Several processes: a shared store. `take` must get and delete in one step (GETDEL).
export const redisStore: TransactionStore = {
  async set(state, transaction, ttl) {
    await redis.set(`nl:tx:${state}`, JSON.stringify(transaction), 'PX', ttl);
  },
  async take(state) {
    const json = await redis.getdel(`nl:tx:${state}`);
    if (json === null) return undefined;
    const transaction: unknown = JSON.parse(json);
    assertTransaction(transaction); // throws ERR_TRANSACTION_MISSING when malformed
    return transaction;
  },
};
// #endregion

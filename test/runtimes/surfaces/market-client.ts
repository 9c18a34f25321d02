// neverlose-market/client: MarketClient on the platform's own fetch, against the emulator's market API.
import { MarketApiError, MarketClient } from 'neverlose-market/client';
import { isNeverloseMarketError } from 'neverlose-market/errors';
import { assert, type RuntimeContext, surface } from '../harness.js';

const clientFor = ({ emulator }: RuntimeContext, secret = emulator.resellerKey) =>
  new MarketClient({
    userId: emulator.resellerUserId,
    secret,
    baseUrl: `${emulator.url}/api/market`,
    retries: 0,
  });

export default surface('market client', (check) => {
  check('reads the reseller’s balance', async (c) => {
    const { balance } = await clientFor(c).getBalance();
    assert.ok(typeof balance === 'number' && balance > 0, `a positive balance (got ${balance})`);
  });

  check('transfers money once for a business key, however often it is called', async (c) => {
    const client = clientFor(c);
    const order = { key: `runtime-matrix-${c.runtime}`, username: 'alice', amount: '0.01' };
    assert.equal((await client.transferMoney(order)).status, 'completed', 'the first call');
    assert.equal((await client.transferMoney(order)).status, 'already-completed', 'a repeat');
  });

  check('answers a wrong key with the provider’s refusal, as a coded MarketApiError', async (c) => {
    const refusal = await clientFor(c, 'not-the-key')
      .getBalance()
      .catch((error: unknown) => error);
    assert.ok(isNeverloseMarketError(refusal), `a market error (got ${String(refusal)})`);
    assert.ok(refusal instanceof MarketApiError, 'a MarketApiError');
    assert.equal(refusal.code, 'ERR_MARKET_INVALID_SIGNATURE', 'the code');
    assert.equal(refusal.providerMessage, 'Invalid signature', 'the provider’s message');
  });
});

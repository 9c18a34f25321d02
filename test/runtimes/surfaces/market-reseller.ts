// neverlose-market/reseller: verifyResellerToken and acceptResellerOrder on a token the emulator issued.
import {
  acceptResellerOrder,
  MemorySingleUseTokenStore,
  verifyResellerToken,
} from 'neverlose-market/reseller';
import { assert, surface } from '../harness.js';

export default surface('market reseller', (check) => {
  check('verifyResellerToken returns the order of the emulator’s nl_purchase token', async (c) => {
    const { checkoutToken, resellerKey, integrationId } = c.emulator;
    const order = await verifyResellerToken(checkoutToken, resellerKey, { integrationId });
    assert.fields(
      order,
      { type: 'product', product: 'csgo', days: 30, login: 'reseller' },
      'order',
    );
    assert.ok(/^[0-9a-f]{64}$/.test(order.tokenId), 'a SHA-256 hex tokenId');
  });

  check('refuses another key and another integration, each with its code', async (c) => {
    const { checkoutToken, resellerKey, integrationId } = c.emulator;
    await assert.refuses(
      () => verifyResellerToken(checkoutToken, 'another-key', { integrationId }),
      'ERR_RESELLER_TOKEN_BAD_SIGNATURE',
      'another key',
    );
    await assert.refuses(
      () => verifyResellerToken(checkoutToken, resellerKey, { integrationId: integrationId + 1 }),
      'ERR_RESELLER_TOKEN_WRONG_INTEGRATION',
      'another integration',
    );
  });

  check(
    'acceptResellerOrder records the order once and resumes a retry of its token',
    async (c) => {
      const { checkoutToken, resellerKey, integrationId } = c.emulator;
      const store = new MemorySingleUseTokenStore();
      const first = await acceptResellerOrder(checkoutToken, resellerKey, { integrationId, store });
      const retry = await acceptResellerOrder(checkoutToken, resellerKey, { integrationId, store });
      assert.ok(!first.resumed && retry.resumed, 'the first acceptance, then a resumed retry');
      assert.ok(retry.order.tokenId === first.order.tokenId, 'the same order');
    },
  );
});

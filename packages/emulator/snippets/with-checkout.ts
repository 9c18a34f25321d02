// README snippet: runs against neverlose-emulator (test/docs/emulator-snippets.test.ts).
// #region readme
import { verifyResellerToken } from 'neverlose-market';

// The checkout (http://127.0.0.1:4010/checkout) sends the buyer to integration 100's redirect
// URL, http://127.0.0.1:3000/checkout?nl_purchase=<JWT>, signed with the reseller's API key.
export async function onCheckout(url: URL) {
  const token = url.searchParams.get('nl_purchase') ?? '';
  const order = await verifyResellerToken(token, 'emulator-reseller-key', { integrationId: 100 });
  // A plan: { type: 'product', login: 'reseller', product: 'cs2', cnt: 0, days: 30, ... }
  // An NLE top-up (product `marketplace`): { type: 'market', product: 'marketplace', nle: '10', ... }
  return order;
}
// #endregion

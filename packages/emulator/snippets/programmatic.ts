// README snippet: runs against neverlose-emulator (it starts its own; test/docs/emulator-snippets.test.ts).
// #region readme
import { defaultConfig, startEmulator } from 'neverlose-emulator';

const emulator = await startEmulator({
  config: defaultConfig({ redirectUris: ['http://127.0.0.1:5173/callback'] }),
});
console.log(emulator.url); // http://127.0.0.1:53127
console.log(emulator.world.userByLogin('bob')); // balances, items, subscriptions (balanceCents)
emulator.purchase('alice', 'E3yugw');
emulator.transfer('alice', 'shop', 2.5);
console.log(await emulator.webhooksIdle()); // every delivery, with its attempts
emulator.addFault({ method: 'gift-product', kind: 'drop-after-apply', count: 1 });
console.log(emulator.ledger()); // applied money operations
emulator.reset();
await emulator.stop();
// #endregion

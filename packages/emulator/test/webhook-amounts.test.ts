import { describe, expect, it } from 'vitest';
import { defaultConfig, startEmulator } from '../src/index.js';
import { buildWebhook } from '../src/webhooks/payload.js';

describe('webhook amounts rendered from cents', async () => {
  const emulator = await startEmulator({ config: defaultConfig() });
  const settings = emulator.world.config.settings;
  const amountOf = (cents: number, integer = false) => {
    const { body } = buildWebhook(
      { kind: 'transfer', amountCents: cents, sender: 'alice', recipientId: 10, uniqueId: 1 },
      emulator.world,
      'k',
      { ...settings, webhookIntegralAmountAsInteger: integer },
    );
    return /"amount":([^,]+),/.exec(body)?.[1];
  };
  await emulator.stop();

  // Each right-hand side is what CPython 3.12 prints for repr(cents / 100).
  it.each([
    [0, '0.0'],
    [1, '0.01'],
    [10, '0.1'],
    [90, '0.9'],
    [100, '1.0'],
    [1050, '10.5'],
    [1710, '17.1'],
    [12345, '123.45'],
    [13410, '134.1'],
    [100000, '1000.0'],
    [99999999999999, '999999999999.99'],
  ])('renders %i hundredths as Python prints the float (%s)', (cents, text) => {
    expect(amountOf(cents)).toBe(text);
  });

  it('writes an integral amount as an integer when the settings ask for it', () => {
    expect(amountOf(100, true)).toBe('1');
    expect(amountOf(150, true)).toBe('1.5');
  });

  it('reads back as the same number as cents / 100', () => {
    for (let cents = 0; cents < 100_000; cents += 7) {
      expect(Number(amountOf(cents))).toBe(cents / 100);
    }
  });
});

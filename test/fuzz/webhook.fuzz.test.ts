import { isNeverloseMarketError } from 'neverlose-market/errors';
import { signPayload } from 'neverlose-market/signing';
import { createWebhookHandler, verifyWebhook, type WebhookEvent } from 'neverlose-market/webhooks';
import { describe, expect, it } from 'vitest';
import { int, mutate, pick, prng, type Random } from './mutate.js';

const SECRET = 'fuzz-secret';
const ITERATIONS = 100_000;

/** A genuine event, signed as the provider signs: amount as a Python float, `kind` not covered. */
function genuineBody(random: Random, uniqueId: number): string {
  const kind = random() < 0.5 ? 'transfer' : 'purchase';
  const amount = pick(random, ['1', '0.9', '17.1', '2', '134.1', '1000', '0.01']);
  const username = pick(random, ['A49', 'darth', 'bob_1', 'Ярик', 'x.y-z']);
  const fields: Record<string, string> = {
    amount: amount.includes('.') ? amount : `${amount}.0`,
    username: JSON.stringify(username),
    unique_id: String(uniqueId),
    ...(kind === 'purchase' ? { item_id: JSON.stringify(pick(random, ['E3yugw', 'abc123'])) } : {}),
  };
  const signed = `{${Object.entries(fields)
    .map(([k, v]) => `"${k}": ${v}`)
    .join(', ')}}`;
  const signature = signPayload(signed, SECRET);
  // The body prints an integral amount without ".0", as the docs' transfer example does.
  const sent = { kind: `"${kind}"`, ...fields, amount, signature: `"${signature}"` };
  return `{${Object.entries(sent)
    .map(([k, v]) => `"${k}": ${v}`)
    .join(', ')}}`;
}

/** What an event means; an accepted body must mean exactly what a genuine one meant. */
const meaning = (e: WebhookEvent) =>
  JSON.stringify([
    e.kind,
    e.amount,
    e.username,
    e.uniqueId,
    e.kind === 'purchase' ? e.itemId : null,
  ]);

function corpus(seed: number) {
  const random = prng(seed);
  const bodies = Array.from({ length: 64 }, (_, i) => genuineBody(random, 1000 + i));
  const genuine = new Set(bodies.map((body) => meaning(verifyWebhook(body, SECRET))));
  return { random, bodies, genuine };
}

describe(`fuzzing webhooks with ${ITERATIONS.toLocaleString('en-US')} mutated bodies`, () => {
  it('verifyWebhook throws only coded errors and accepts nothing a genuine event did not say', () => {
    const { random, bodies, genuine } = corpus(0x5eed);
    let accepted = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const body = mutate(random, pick(random, bodies));
      let event: WebhookEvent;
      try {
        event = verifyWebhook(body, SECRET);
      } catch (error) {
        if (!isNeverloseMarketError(error))
          throw new Error(`uncoded error for ${JSON.stringify(body)}: ${error}`);
        continue;
      }
      accepted++;
      if (!genuine.has(meaning(event)))
        throw new Error(`forged event accepted: ${JSON.stringify(body)}`);
    }
    // Whitespace-only and equivalent-number mutations stay valid; most mutations must not.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(ITERATIONS / 2);
  });

  it('the Web handler never answers 500 and answers 200 only for genuine content', async () => {
    const { random, bodies, genuine } = corpus(0xfa11);
    const handled: string[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      onEvent: (event) => void handled.push(meaning(event)),
      onError: () => {},
    });
    const statuses = new Map<number, number>();
    for (let i = 0; i < ITERATIONS; i++) {
      const body = random() < 0.02 ? pick(random, bodies) : mutate(random, pick(random, bodies));
      const response = await handler(
        new Request('http://127.0.0.1/webhook', {
          method: 'POST',
          headers: { 'content-type': random() < 0.01 ? 'text/plain' : 'application/json' },
          body,
        }),
      );
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500)
        throw new Error(`answered ${response.status} to ${JSON.stringify(body)}`);
    }
    expect([...statuses.keys()].every((status) => [200, 400, 401, 413, 415].includes(status))).toBe(
      true,
    );
    expect(statuses.get(200)).toBeGreaterThan(0);
    for (const event of handled) expect(genuine.has(event)).toBe(true);
    // Each genuine event ran its handler at most once, however often it was delivered.
    expect(new Set(handled).size).toBe(handled.length);
  }, 300_000);

  it('never verifies a re-split payload: moving text between fields breaks the shape', () => {
    const random = prng(7);
    for (let i = 0; i < 1000; i++) {
      const uniqueId = 10 + int(random, 1000);
      const signed = `{"amount": 1.0, "username": "A49unique_id${uniqueId}"}`;
      const body = `{"kind": "transfer", "amount": 1, "username": "A49unique_id${uniqueId}", "signature": "${signPayload(signed, SECRET)}"}`;
      expect(() => verifyWebhook(body, SECRET)).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/^ERR_WEBHOOK_/) }),
      );
    }
  });
});

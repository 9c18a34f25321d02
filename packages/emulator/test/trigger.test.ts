import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeWebhookHandler, verifyWebhook, type WebhookEvent } from 'neverlose-market';
import { afterAll, describe, expect, it } from 'vitest';
import { TRIGGER_OPTIONS } from '../src/cli/commands/trigger.js';
import { run, TRIGGER_HELP } from '../src/cli/main.js';
import { captured, streamIo, webhookReceiver } from './helpers.js';

async function cli(args: string[]) {
  const out = captured();
  const err = captured();
  const code = await run(args, streamIo(out.stream, err.stream));
  return { code, stdout: out.text(), stderr: err.text() };
}

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A receiver as the market README writes it: the handler, verifying with both demo keys. */
async function marketReceiver(): Promise<{ url: string; received: WebhookEvent[] }> {
  const received: WebhookEvent[] = [];
  const server = createServer(
    createNodeWebhookHandler({
      secret: ['emulator-shop-key', 'emulator-reseller-key'],
      onEvent: (event) => {
        received.push(event);
      },
      onError: () => {},
    }),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

describe('neverlose-emulator trigger', () => {
  it('documents every flag in its help', async () => {
    for (const name of Object.keys(TRIGGER_OPTIONS))
      expect(TRIGGER_HELP).toMatch(new RegExp(`--${name}\\b`));
    expect(await cli(['trigger', '--help'])).toMatchObject({ code: 0, stdout: TRIGGER_HELP });
  });

  it.each(['purchase', 'transfer'] as const)(
    'sends a %s webhook that the webhook handler verifies and handles once',
    async (kind) => {
      const receiver = await marketReceiver();
      const first = await cli(['trigger', kind, '--to', receiver.url, '--unique-id', '42']);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(first.stdout).toContain('200 {"ok":true}');
      const again = await cli(['trigger', kind, '--to', receiver.url, '--unique-id', '42']);
      expect(again.stdout).toContain('"duplicate":true');
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]).toMatchObject({
        kind,
        username: 'alice',
        amount: 1,
        uniqueId: 42,
        ...(kind === 'purchase' ? { itemId: 'E3yugw' } : {}),
      });
    },
  );

  it('sends the docs’ shapes: kind signed or not, an integral amount as 1 or 1.0', async () => {
    const receiver = await webhookReceiver();
    const send = (...flags: string[]) =>
      cli(['trigger', 'transfer', '--to', receiver.url, '--secret', 'key', '--json', ...flags]);
    const runs = [
      await send('--amount', '2'),
      await send('--amount', '2', '--integer-amount', '--sign-kind'),
      await send('--amount', '0.9', '--username', 'A49'),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    const bodies = receiver.received.map((r) => r.body);
    expect(bodies[0]).toMatch(/"amount":2\.0,/);
    expect(bodies[1]).toMatch(/"amount":2,/);
    for (const body of bodies)
      expect(verifyWebhook(body, 'key')).toMatchObject({ kind: 'transfer' });
    expect(receiver.received.every((r) => r.contentType === 'application/json')).toBe(true);
    expect(JSON.parse(runs[2]?.stdout ?? '')).toMatchObject({ status: 200, body: bodies[2] });
    await receiver.close();
  });

  it('takes the key from NEVERLOSE_API_KEY before the demo seed’s', async () => {
    const receiver = await webhookReceiver();
    const { triggerCommand } = await import('../src/cli/commands/trigger.js');
    const out = captured();
    const code = await triggerCommand(['purchase', '--to', receiver.url], {
      env: { NEVERLOSE_API_KEY: 'from-the-environment' },
      out: (text) => out.stream.write(text),
      err: () => {},
    });
    expect(code).toBe(0);
    expect(() =>
      verifyWebhook(receiver.received[0]?.body ?? '', 'from-the-environment'),
    ).not.toThrow();
    await receiver.close();
  });

  it('exits 1 when the receiver refuses it or cannot be reached', async () => {
    const receiver = await marketReceiver();
    const refused = await cli(['trigger', 'purchase', '--to', receiver.url, '--secret', 'wrong']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('401');
    expect(refused.stdout).toContain('ERR_WEBHOOK_BAD_SIGNATURE');
    expect(receiver.received).toEqual([]);
    const closed = await webhookReceiver();
    await closed.close();
    const unreachable = await cli(['trigger', 'purchase', '--to', closed.url]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`cannot reach ${closed.url} (ECONNREFUSED)`);
  });

  it.each([
    [[], 'trigger needs a kind, purchase or transfer, and got none'],
    [['refund', '--to', 'http://127.0.0.1:1/'], 'not "refund"'],
    [['purchase'], '--to URL is required'],
    [['purchase', '--to', 'localhost:3000'], '--to must be an absolute http(s) URL'],
    [['purchase', '--to', 'http://127.0.0.1:1/', '--amount', '1e3'], '--amount must be a decimal'],
    [['purchase', '--to', 'http://127.0.0.1:1/', '--unique-id', '-1'], '--unique-id'],
    [['transfer', '--to', 'http://127.0.0.1:1/', '--item-id', 'x'], '--item-id is for a purchase'],
    [['purchase', '--to', 'http://127.0.0.1:1/', '--bogus'], 'unknown option --bogus'],
  ])('refuses %j, naming the problem (exit 2)', async (args, message) => {
    const result = await cli(['trigger', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('neverlose-emulator trigger --help');
  });
});

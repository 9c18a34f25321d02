import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.js';
import { defaultConfig, type WebhookReport } from '../src/index.js';
import {
  admin,
  captured,
  emulator,
  market,
  startCli,
  streamIo,
  webhookReceiver,
} from './helpers.js';

const FAST_RETRY = { webhookRetry: { baseDelayMs: 10, maxAttempts: 2, timeoutMs: 2000 } };

describe('--webhook-url', () => {
  it('sends both kinds of every market account to the URL, and prints each delivery', async () => {
    const receiver = await webhookReceiver();
    const cli = await startCli(['--webhook-url', receiver.url]);
    try {
      expect(cli.out.text()).toContain(`webhooks -> ${receiver.url}`);
      await admin(cli.url, 'POST', '/purchases', { buyer: 'alice', item: 'E3yugw' });
      await market(cli.url, 'transfer-money', {
        user_id: 10,
        id: 'w1',
        username: 'shop',
        amount: 2,
      });
      await admin(cli.url, 'POST', '/webhooks/idle');
      expect(receiver.received.map((r) => JSON.parse(r.body).kind).sort()).toEqual([
        'purchase',
        'transfer',
      ]);
      await expect.poll(cli.out.text).toMatch(/webhook #1 purchase -> \S+ \{"kind":"purchase"/);
      await expect.poll(cli.out.text).toMatch(/webhook #1 <- 200 in \d+ ms \(delivered\)/);
      await expect.poll(cli.out.text).toMatch(/webhook #2 <- 200 in \d+ ms \(delivered\)/);
    } finally {
      process.emit('SIGTERM');
      expect(await cli.exit).toBe(0);
      await receiver.close();
    }
  });

  it('sets one kind with purchase=URL and leaves the other unset', async () => {
    const receiver = await webhookReceiver();
    const cli = await startCli(['--webhook-url', `purchase=${receiver.url}`]);
    try {
      const accounts = (await admin(cli.url, 'GET', '/market-accounts')).json;
      expect(accounts.map((a: { webhooks: unknown }) => a.webhooks)).toEqual([
        { purchase: receiver.url },
        { purchase: receiver.url },
      ]);
    } finally {
      process.emit('SIGTERM');
      await cli.exit;
      await receiver.close();
    }
  });

  it.each([
    [['--webhook-url', 'nope'], '--webhook-url must be an absolute http(s) URL, not "nope"'],
    [
      ['--webhook-url', 'refund=http://x/'],
      '--webhook-url refund=...: the kinds are purchase and transfer',
    ],
    [
      ['--webhook-url', 'http://x/', '--webhook-url', 'transfer=http://y/'],
      '--webhook-url sets the transfer URL twice',
    ],
  ])('refuses %j, naming the flag (exit 2)', async (args, message) => {
    const err = captured();
    expect(await run(args, streamIo(captured().stream, err.stream))).toBe(2);
    expect(err.text()).toContain(message);
  });
});

describe('replaying a webhook delivery', () => {
  it('sends the same bytes again as a new delivery, through the admin API', async () => {
    const receiver = await webhookReceiver([500, 500]);
    const emu = await emulator({
      config: { ...defaultConfig({ webhookUrl: receiver.url }), settings: FAST_RETRY },
    });
    emu.purchase('alice', 'E3yugw');
    const [failed] = await emu.webhooksIdle();
    expect(failed).toMatchObject({ id: 1, state: 'failed', replayOf: null });
    const replay = await admin(emu.url, 'POST', '/webhooks/1/replay');
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({
      id: 2,
      replayOf: 1,
      url: receiver.url,
      body: failed?.body,
    });
    const deliveries = await emu.webhooksIdle();
    await receiver.close();
    expect(deliveries[1]).toMatchObject({ state: 'delivered', signature: failed?.signature });
    expect(receiver.received.map((r) => r.body)).toEqual([
      failed?.body,
      failed?.body,
      failed?.body,
    ]);
    const dashboard = await (await fetch(`${emu.url}/admin`)).text();
    expect(dashboard).toContain(`${emu.url}/admin/api/webhooks/&lt;#&gt;/replay`);
    expect(dashboard).toMatch(/<th>replay of<\/th>/);
  });

  it("goes to the account's current URL, or to the url sent", async () => {
    const first = await webhookReceiver();
    const second = await webhookReceiver();
    const emu = await emulator({ config: defaultConfig({ webhookUrl: first.url }) });
    emu.purchase('alice', 'E3yugw');
    await emu.webhooksIdle();
    await admin(emu.url, 'PATCH', '/market-accounts/11', { webhooks: { purchase: second.url } });
    expect(emu.replayWebhook(1).url).toBe(second.url);
    expect((await admin(emu.url, 'POST', '/webhooks/1/replay', { url: first.url })).json.url).toBe(
      first.url,
    );
    await emu.webhooksIdle();
    await Promise.all([first.close(), second.close()]);
    expect(first.received).toHaveLength(2);
    expect(second.received).toHaveLength(1);
  });

  it('answers 404 for a delivery not in the log and 400 for a bad id or field', async () => {
    const emu = await emulator();
    expect(await admin(emu.url, 'POST', '/webhooks/7/replay')).toMatchObject({
      status: 404,
      json: { error: 'ERR_NOT_FOUND' },
    });
    expect((await admin(emu.url, 'POST', '/webhooks/x/replay')).status).toBe(400);
    expect(
      (await admin(emu.url, 'POST', '/webhooks/1/replay', { url: 'javascript:x' })).json.message,
    ).toContain('url must be an absolute http(s) URL');
    expect(() => emu.replayWebhook(1)).toThrowError(
      expect.objectContaining({ code: 'ERR_NOT_FOUND' }),
    );
  });
});

describe('PATCH /admin/api/market-accounts/:userId', () => {
  it('sets and removes webhook URLs per kind', async () => {
    const emu = await emulator({ config: defaultConfig({ webhookUrl: 'http://127.0.0.1:9/a' }) });
    const reply = await admin(emu.url, 'PATCH', '/market-accounts/10', {
      webhooks: { purchase: null, transfer: 'http://127.0.0.1:9/b' },
    });
    expect(reply.json.webhooks).toEqual({ transfer: 'http://127.0.0.1:9/b' });
    expect(
      (await admin(emu.url, 'PATCH', '/market-accounts/10', { webhooks: { refund: 'http://x/' } }))
        .json.message,
    ).toContain('webhooks.refund: only purchase and transfer');
    expect((await admin(emu.url, 'PATCH', '/market-accounts/12', { webhooks: {} })).status).toBe(
      404,
    );
  });
});

describe('GET /admin/api/webhooks/events', () => {
  it('streams each delivery queued and each attempt as Server-Sent Events', async () => {
    const receiver = await webhookReceiver([503]);
    const emu = await emulator({
      config: { ...defaultConfig({ webhookUrl: receiver.url }), settings: FAST_RETRY },
    });
    const controller = new AbortController();
    const response = await fetch(`${emu.url}/admin/api/webhooks/events`, {
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    emu.purchase('alice', 'E3yugw');
    const reports: WebhookReport[] = [];
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (reports.length < 3 && reader !== undefined) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      reports.splice(
        0,
        reports.length,
        ...[...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1] as string)),
      );
    }
    controller.abort();
    await receiver.close();
    expect(text).toMatch(/^event: queued$/m);
    expect(reports).toMatchObject([
      { type: 'queued', id: 1, kind: 'purchase', url: receiver.url, replayOf: null },
      { type: 'attempted', id: 1, attempt: 1, maxAttempts: 2, status: 503, state: 'pending' },
      { type: 'attempted', id: 1, attempt: 2, status: 200, state: 'delivered', retryInMs: null },
    ]);
  });
});

describe('neverlose-emulator listen', () => {
  it('forwards the webhooks to a local URL, prints them, and puts the URLs back on exit', async () => {
    const receiver = await webhookReceiver();
    const emu = await emulator({ config: defaultConfig({ webhookUrl: 'http://127.0.0.1:9/old' }) });
    const out = captured();
    const exit = run(
      ['listen', '--url', emu.url, '--forward-to', receiver.url],
      streamIo(out.stream),
    );
    await expect.poll(out.text, { timeout: 10_000 }).toContain('Listening for webhook deliveries');
    expect(out.text()).toContain(`Forwarding the webhooks of users 10, 11 to ${receiver.url}`);
    emu.purchase('alice', 'E3yugw');
    await expect.poll(out.text).toMatch(/webhook #1 <- 200 in \d+ ms \(delivered\)/);
    expect(out.text()).toMatch(/webhook #1 purchase -> \S+ \{"kind":"purchase"/);
    emu.replayWebhook(1);
    await expect.poll(out.text).toContain('(replay of #1)');
    process.emit('SIGINT');
    expect(await exit).toBe(0);
    await receiver.close();
    expect(receiver.received).toHaveLength(2);
    expect(emu.world.accounts.get(11)?.webhooks).toEqual({
      purchase: 'http://127.0.0.1:9/old',
      transfer: 'http://127.0.0.1:9/old',
    });
    expect(out.text()).toContain('Restored the webhook URLs of user 11');
  });

  it('prints JSON lines with --json, for one account with --user-id', async () => {
    const receiver = await webhookReceiver();
    const emu = await emulator();
    const out = captured();
    const exit = run(
      ['listen', '--url', emu.url, '--forward-to', receiver.url, '--user-id', '10', '--json'],
      streamIo(out.stream),
    );
    await expect.poll(out.text, { timeout: 10_000 }).toContain('Listening');
    expect(emu.world.accounts.get(11)?.webhooks).toEqual({});
    emu.transfer('alice', 'reseller', 1);
    await expect.poll(out.text).toContain('"type":"attempted"');
    process.emit('SIGTERM');
    expect(await exit).toBe(0);
    await receiver.close();
    const lines = out
      .text()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      { type: 'queued', kind: 'transfer', userId: 10 },
      { type: 'attempted', status: 200 },
    ]);
    expect(emu.world.accounts.get(10)?.webhooks).toEqual({});
  });

  it('exits 1 when the emulator stops, and 1 when it cannot reach it', async () => {
    const emu = await emulator();
    const err = captured();
    const out = captured();
    const exit = run(['listen', '--url', emu.url], streamIo(out.stream, err.stream));
    await expect.poll(out.text, { timeout: 10_000 }).toContain('Listening');
    expect(out.text()).toContain('no market account has a webhook URL');
    await emu.stop();
    expect(await exit).toBe(1);
    expect(err.text()).toContain('the emulator closed the stream');
    const unreachable = captured();
    expect(
      await run(['listen', '--url', emu.url], streamIo(captured().stream, unreachable.stream)),
    ).toBe(1);
    expect(unreachable.text()).toContain(`cannot reach the emulator at ${emu.url}`);
  });

  it.each([
    [['--user-id', 'x'], '--user-id must be a positive integer'],
    [['--user-id', '5'], '--user-id 5: no such market account'],
    [['--forward-to', 'nope'], '--forward-to must be an absolute http(s) URL'],
    [['--port', '1'], 'unknown option --port'],
  ])('refuses %j, naming the flag (exit 2)', async (args, message) => {
    const emu = await emulator();
    const err = captured();
    expect(
      await run(['listen', '--url', emu.url, ...args], streamIo(captured().stream, err.stream)),
    ).toBe(2);
    expect(err.text()).toContain(message);
    expect(err.text()).toContain('Run "neverlose-emulator listen --help"');
  });
});

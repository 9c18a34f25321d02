import { request } from 'node:http';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import { startEmulator } from '../src/index.js';
import { emulator, streamIo } from './helpers.js';

const TOKEN = 'admin-token-0123456789abcdef';

/** A request with headers fetch() will not send as given (`Host`), over node:http. */
function send(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The first line of the reply to raw request bytes, or `closed`. */
function rawStatusLine(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let out = '';
    socket.on('data', (chunk: Buffer) => {
      out += chunk.toString('latin1');
    });
    socket.on('close', () => resolve(out === '' ? 'closed' : (out.split('\r\n')[0] ?? '')));
    socket.on('error', () => resolve('closed'));
  });
}

const transfer = JSON.stringify({ from: 'alice', to: 'bob', amount: 5 });

describe('binding beyond loopback', () => {
  it.each(['0.0.0.0', '::'])(
    'refuses host %s without an adminToken, naming the option',
    async (host) => {
      await expect(startEmulator({ host, port: 0 })).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringContaining('adminToken'),
      });
    },
  );

  it('refuses an adminToken shorter than 16 characters or with spaces', async () => {
    for (const adminToken of ['short', 'sixteen chars ok', '']) {
      await expect(startEmulator({ port: 0, adminToken })).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringContaining('adminToken'),
      });
    }
  });

  it('listens on 0.0.0.0 with an adminToken and answers the admin API only with it', async () => {
    const emu = await emulator({ host: '0.0.0.0', adminToken: TOKEN });
    expect(emu.url).toBe(`http://127.0.0.1:${emu.port}`);
    expect((await fetch(`${emu.url}/admin/api/world`)).status).toBe(401);
    const wrong = await fetch(`${emu.url}/admin/api/world`, {
      headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
    });
    expect(wrong.status).toBe(401);
    const bearer = await fetch(`${emu.url}/admin/api/world`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(200);
  });

  it('lets a browser in with HTTP Basic (any user name, the token as password)', async () => {
    const emu = await emulator({ adminToken: TOKEN });
    const challenge = await fetch(`${emu.url}/admin`);
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toContain('Basic realm=');
    const basic = Buffer.from(`admin:${TOKEN}`).toString('base64');
    const dashboard = await fetch(`${emu.url}/admin`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('id="dashboard-users"');
  });

  it('the CLI refuses --host 0.0.0.0 without --admin-token, with a message naming the flag', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await run(['--host', '0.0.0.0', '--port', '0'], streamIo(new PassThrough()))).toBe(2);
      expect(stderr.mock.calls.map((call) => String(call[0])).join('')).toContain('--admin-token');
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('admin API writes from a browser of another site', () => {
  it('refuses a text/plain POST (the CSRF "simple request") with 415 and moves no money', async () => {
    const emu = await emulator();
    const response = await send(emu.url, '/admin/api/transfers', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: transfer,
    });
    expect(response.status).toBe(415);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'ERR_UNSUPPORTED_MEDIA_TYPE' });
    const empty = await send(emu.url, '/admin/api/reset', { method: 'POST' });
    expect(empty.status).toBe(415);
    expect(emu.ledger()).toEqual([]);
  });

  it.each([
    ['a foreign Origin', { origin: 'http://evil.example' }],
    ['Origin null (sandboxed frame)', { origin: 'null' }],
    ['another port of the same host', { origin: 'http://127.0.0.1:1' }],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site' }],
  ])('refuses %s with 403 and moves no money', async (_name, headers) => {
    const emu = await emulator();
    const response = await send(emu.url, '/admin/api/transfers', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: transfer,
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'ERR_CROSS_ORIGIN' });
    expect((await send(emu.url, '/admin', { headers })).status).toBe(403);
    expect(emu.ledger()).toEqual([]);
  });

  it('accepts its own origin and requests without an Origin (scripts)', async () => {
    const emu = await emulator();
    const variants: Record<string, string>[] = [
      { origin: emu.url },
      { 'sec-fetch-site': 'same-origin', origin: emu.url },
      {},
    ];
    for (const headers of variants) {
      const response = await send(emu.url, '/admin/api/transfers', {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body: transfer,
      });
      expect(response.status).toBe(200);
    }
    expect(emu.ledger()).toHaveLength(3);
  });

  it('refuses a cross-site form post to the market pages, and moves no money', async () => {
    const emu = await emulator();
    const response = await send(emu.url, '/market/transfer', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://evil.example',
      },
      body: 'from=alice&to=bob&amount=5',
    });
    expect(response.status).toBe(403);
    expect(emu.ledger()).toEqual([]);
  });
});

describe('Host checks against DNS rebinding', () => {
  it.each(['evil.example', 'evil.example:4010', '127.0.0.1.evil.example'])(
    'refuses Host %s on the admin API and the dashboard with 421',
    async (host) => {
      const emu = await emulator();
      for (const path of ['/admin/api/world', '/admin', '/market']) {
        const response = await send(emu.url, path, { headers: { host } });
        expect(response.status).toBe(421);
        expect(response.body).not.toContain('emulator-reseller-key');
      }
    },
  );

  it('accepts the loopback names and the public URL host', async () => {
    const emu = await emulator({ publicUrl: 'https://emulator.example.test' });
    for (const host of [
      'localhost',
      `localhost:${emu.port}`,
      `127.0.0.1:${emu.port}`,
      `[::1]:${emu.port}`,
      'app.localhost',
      'emulator.example.test',
    ]) {
      expect(
        (await send(`http://127.0.0.1:${emu.port}`, '/admin/api/world', { headers: { host } }))
          .status,
      ).toBe(200);
    }
  });

  it('leaves the identity provider and the market API reachable under any Host', async () => {
    const emu = await emulator();
    const discovery = await send(emu.url, '/.well-known/openid-configuration', {
      headers: { host: 'emulator:4010' },
    });
    expect(discovery.status).toBe(200);
  });
});

describe('request targets', () => {
  it.each([
    ['//', 'HTTP/1.1 404 Not Found'],
    ['//[', 'HTTP/1.1 404 Not Found'],
    ['http://[/', 'HTTP/1.1 400 Bad Request'],
    ['*', 'HTTP/1.1 400 Bad Request'],
  ])('answers the target %s with %s and keeps serving', async (target, statusLine) => {
    const emu = await emulator();
    const request = `GET ${target} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n`;
    expect(await rawStatusLine(emu.port, request)).toBe(statusLine);
    expect((await fetch(`${emu.url}/`)).status).toBe(200);
  });
});

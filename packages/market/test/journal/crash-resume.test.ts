import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/index.js';

// The child processes import the built package: run `pnpm --filter neverlose-market build` first.
const childScript = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nl-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A market stand-in that applies gifts by id, like the provider: a used id answers "Invalid id.". */
class Market {
  readonly applied: string[] = [];
  readonly seen: string[] = [];
  /** What to do with the next request: apply and die, die before applying, or answer normally. */
  mode: 'apply-then-kill' | 'kill-before-apply' | 'answer' = 'answer';
  victim: ChildProcess | undefined;
  readonly server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      if (!verifySignature(body, 'crash-secret', { strict: true })) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"success":false,"succ":false,"error":"Invalid signature"}');
        return;
      }
      const id = String(JSON.parse(body).id);
      this.seen.push(id);
      const mode = this.mode;
      this.mode = 'answer';
      if (mode !== 'kill-before-apply' && this.applied.includes(id)) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"success":false,"succ":false,"error":"Invalid id."}');
        return;
      }
      if (mode !== 'kill-before-apply') this.applied.push(id);
      if (mode === 'answer') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"success":true,"succ":true}');
        return;
      }
      // The reply never comes: the client dies waiting for it.
      this.victim?.kill('SIGKILL');
      res.socket?.destroy();
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/market`;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function runChild(
  args: string[],
  market?: Market,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  const child = spawn(process.execPath, [childScript, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (market) market.victim = child;
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout })),
  );
}

beforeAll(() => {
  if (!existsSync(built))
    throw new Error('Build the package first: pnpm --filter neverlose-market build');
});

describe('crash in the middle of an operation', () => {
  it('kill -9 after the market applied it: resume finds it done, applied exactly once', async () => {
    const market = new Market();
    const url = await market.listen();
    const file = join(dir, 'applied.db');
    market.mode = 'apply-then-kill';
    const first = await runChild(['start', file, url], market);
    expect(first.signal).toBe('SIGKILL');
    expect(first.stdout).toBe('started\n');

    const resumed = await runChild(['resume', file, url]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual([
      expect.objectContaining({
        status: 'already-completed',
        key: 'order-crash',
        method: 'gift-product',
      }),
    ]);
    expect(market.applied).toHaveLength(1);
    expect(market.seen).toEqual([market.applied[0], market.applied[0]]);

    const again = await runChild(['resume', file, url]);
    expect(JSON.parse(again.stdout)).toEqual([]);
    expect(market.applied).toHaveLength(1);
    market.server.close();
  });

  it('kill -9 before the market applied it: resume applies it, exactly once', async () => {
    const market = new Market();
    const url = await market.listen();
    const file = join(dir, 'not-applied.db');
    market.mode = 'kill-before-apply';
    const first = await runChild(['start', file, url], market);
    expect(first.signal).toBe('SIGKILL');

    const resumed = await runChild(['resume', file, url]);
    expect(JSON.parse(resumed.stdout)).toEqual([
      expect.objectContaining({ status: 'completed', key: 'order-crash' }),
    ]);
    expect(market.applied).toHaveLength(1);
    expect(market.seen).toEqual([market.applied[0], market.applied[0]]);
    market.server.close();
  });
});

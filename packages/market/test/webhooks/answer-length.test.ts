import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createExpressWebhookRouter,
  createNodeWebhookHandler,
  createWebhookHandler,
  type WebhookHandlerOptions,
} from '../../src/index.js';
import { DOCS_PURCHASE, DOCS_SECRET } from './samples.js';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Posts the docs' purchase and returns the raw answer: status, headers as sent, body. */
async function post(server: Server): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/hook',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(DOCS_PURCHASE);
  });
}

const options = (): WebhookHandlerOptions => ({ secret: DOCS_SECRET, onEvent: () => {} });

describe('a handled webhook is answered with its length, not in chunks', () => {
  it.each([
    ['node:http', () => createServer(createNodeWebhookHandler(options()))],
    ['Express', () => createServer(express().use('/hook', createExpressWebhookRouter(options())))],
  ])('on %s', async (_name, make) => {
    const answer = await post(make());
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('{"ok":true}');
    expect(answer.headers['content-length']).toBe(String(answer.body.length));
    expect(answer.headers['transfer-encoding']).toBeUndefined();
  });

  it('on the Web handler, with the same length', async () => {
    const handler = createWebhookHandler(options());
    const response = await handler(
      new Request('http://127.0.0.1/hook', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: DOCS_PURCHASE,
      }),
    );
    const body = await response.text();
    expect(body).toBe('{"ok":true}');
    expect(response.headers.get('content-length')).toBe(String(body.length));
  });
});

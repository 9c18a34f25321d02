import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { createClient } from 'redis';

export type TestRedis = Awaited<ReturnType<typeof connect>>;

async function connect(url: string) {
  return createClient({ url }).connect();
}

/**
 * A Redis for one test file: `REDIS_URL` when set (CI starts one on loopback), otherwise a
 * `redis-server` of our own on a free loopback port, without persistence. Every call gives a fresh
 * key prefix, so tests never see each other's keys.
 */
export async function startRedis(): Promise<{
  url: string;
  connect(): Promise<TestRedis>;
  prefix(): string;
  stop(): Promise<void>;
}> {
  let child: ChildProcess | undefined;
  let url = process.env['REDIS_URL'];
  if (!url) {
    const port = await freePort();
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      child!.once('error', reject);
      child!.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
      let seen = '';
      child!.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('Ready to accept connections')) resolve();
      });
    });
    url = `redis://127.0.0.1:${port}`;
  }
  const clients: TestRedis[] = [];
  return {
    url,
    async connect() {
      const client = await connect(url!);
      clients.push(client);
      return client;
    },
    prefix: () => `test-${randomUUID()}:`,
    async stop() {
      await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
      child?.removeAllListeners('exit');
      child?.kill('SIGTERM');
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// Market client throughput against a local HTTP server, with and without connection reuse.
// Runs the BUILT package: `pnpm --filter neverlose-market build` first.
// Usage: node bench/client.bench.mjs [seconds per run, default 5]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { printSuite, writeSuite } from '@neverlose-toolkit/test-support/bench-report';

if (process.argv[2] === 'serve') {
  // The stand-in market runs in its own process so that it does not share the client's event loop.
  const reply = '{"success":true,"succ":true,"balance":62.6}';
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.length });
      res.end(reply);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
} else {
  const { MarketClient } = await import('../dist/index.js');
  const seconds = Number(process.argv[2] ?? 5);
  const concurrency = 16;

  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (data) => resolve(Number(String(data).trim())));
    child.once('exit', (code) =>
      reject(new Error(`the bench server exited (${code}); is the package built?`)),
    );
  });
  const baseUrl = `http://127.0.0.1:${port}/api/market`;

  async function measure(reuseConnections, durationMs) {
    const client = new MarketClient({
      userId: 1,
      secret: 'bench-secret',
      baseUrl,
      reuseConnections,
      retries: 0,
    });
    let calls = 0;
    const deadline = performance.now() + durationMs;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          await client.getBalance();
          calls++;
        }
      }),
    );
    return {
      calls,
      seconds: (performance.now() - start) / 1000,
      callsPerSecond: Math.round(calls / ((performance.now() - start) / 1000)),
    };
  }

  const figures = {};
  for (const [name, reuse] of [
    ['withReuse', true],
    ['withoutReuse', false],
  ]) {
    await measure(reuse, 1000); // warm-up
    figures[name] = await measure(reuse, seconds * 1000);
    console.log(
      `get-balance, ${reuse ? 'keep-alive (reused)' : 'connection: close'}: ${figures[name].callsPerSecond} calls/s (${figures[name].calls} calls in ${figures[name].seconds.toFixed(1)} s, ${concurrency} in flight)`,
    );
  }
  child.kill();
  const ratio = figures.withReuse.callsPerSecond / figures.withoutReuse.callsPerSecond;
  console.log(`connection reuse: ${ratio.toFixed(2)}x`);

  printSuite(
    writeSuite('market-client', {
      command: 'node packages/market/bench/client.bench.mjs',
      figures: [
        {
          name: 'MarketClient.getBalance, connections reused (keep-alive)',
          value: figures.withReuse.callsPerSecond,
          unit: 'calls/s',
          note: `${concurrency} in flight, signed requests, server in its own process`,
        },
        {
          name: 'MarketClient.getBalance, connection: close',
          value: figures.withoutReuse.callsPerSecond,
          unit: 'calls/s',
        },
        { name: 'speed-up from connection reuse', value: ratio, unit: 'x' },
      ],
    }),
  );
}

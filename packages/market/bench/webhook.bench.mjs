// The webhook handler against a bare node:http JSON handler, on loopback, for a bounded time, in two
// phases, each server in a process of its own and driven alone, the two in alternating order:
// 1. throughput: autocannon, requests per second and latency;
// 2. the server's CPU time per request: each server on a core of its own, driven by a light
//    keep-alive client in this process on the other core (autocannon, on the servers' cores, moves
//    that figure with its own load).
// Runs the BUILT package: `pnpm --filter neverlose-market build` first.
// Usage: node bench/webhook.bench.mjs [seconds per phase, default 18: 9 rounds, each server alone in each]
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { printSuite, writeSuite } from '@neverlose-toolkit/test-support/bench-report';

// The docs' purchase example: verifying it tries the signed forms with and without "kind".
const BODY =
  '{"kind":"purchase","amount":0.9,"username":"A49","unique_id":89968,"item_id":"E3yugw","signature":"dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560"}';

if (process.argv[2] === 'serve') {
  let server;
  if (process.argv[3] === 'bare-loaded') {
    // The control: the bare server in a process that loaded the package and made a handler, as
    // the handler's server does, then left it unused.
    const { createNodeWebhookHandler } = await import('../dist/webhooks.js');
    createNodeWebhookHandler({
      secret: 'key',
      dedupStore: { claim: () => 'claimed' },
      onEvent() {},
    });
  }
  if (process.argv[3] === 'bare' || process.argv[3] === 'bare-loaded') {
    // The baseline: read the body, JSON.parse it, answer 200. No checks at all. Its answer is the
    // handler's, byte for byte (the same headers, `Content-Length` included: no chunked framing).
    server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
        res.end('{"ok":true}');
      });
    });
  } else {
    const { createNodeWebhookHandler } = await import('../dist/webhooks.js');
    // A store that admits every event, so each request takes the full path (verify, dedup, onEvent).
    const admitAll = { claim: () => 'claimed', complete: () => {}, release: () => {} };
    server = createServer(
      createNodeWebhookHandler({ secret: 'key', dedupStore: admitAll, onEvent: () => {} }),
    );
  }
  // CPU time of this process between two marks: the cost of the requests served meanwhile,
  // whatever else the machine runs (throughput moves with the load; CPU time per request hardly).
  let mark = process.cpuUsage();
  process.on('message', (message) => {
    if (message === 'mark') {
      mark = process.cpuUsage();
      process.send?.('marked');
    } else if (message === 'read') {
      const { user, system } = process.cpuUsage(mark);
      process.send?.({ user, system });
    }
  });
  // The bench ends a server by closing the channel: a clean exit (a --cpu-prof profile is written).
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
} else {
  const { default: autocannon } = await import('autocannon');
  const seconds = Number(process.argv[2] ?? 18);
  // Many short rounds: on a shared 2-core machine one round's figure can move by a third.
  const rounds = 9;
  const perRound = Math.max(1, Math.round(seconds / rounds / 2));
  const connections = 32;
  /** The CPU phase's connections per server: enough to keep its core busy, few for the client. */
  const cpuConnections = 16;

  // WEBHOOK_BENCH_CONTROL=1 runs the bench against itself: the bare server in the handler's place
  // (in a process that loaded the package). Its ratio, near 1, is the bench's own bias; nothing is
  // written.
  const control = process.env.WEBHOOK_BENCH_CONTROL === '1';
  const handlerMode = control ? 'bare-loaded' : 'handler';

  /** Starts a server process, on `cpu` alone when given (`taskset`). */
  async function startServer(mode, serveAs, cpu) {
    // WEBHOOK_BENCH_SERVER_FLAGS='--cpu-prof --cpu-prof-dir=prof' profiles the servers (not allowed
    // in NODE_OPTIONS); each writes its profile when the bench disconnects it.
    const flags = process.env.WEBHOOK_BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [];
    const command = [process.execPath, ...flags, fileURLToPath(import.meta.url), 'serve', serveAs];
    const [file, ...args] = cpu === undefined ? command : ['taskset', '-c', cpu, ...command];
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    const port = await new Promise((resolve, reject) => {
      child.stdout.once('data', (data) => resolve(Number(String(data).trim())));
      child.once('exit', (code) =>
        reject(new Error(`the bench server exited (${code}); is the package built?`)),
      );
    });
    return { mode, child, port, url: `http://127.0.0.1:${port}/hook` };
  }

  /** Sends `message` to a server process and resolves with its answer. */
  function ask(server, message) {
    return new Promise((resolve) => {
      server.child.once('message', resolve);
      server.child.send(message);
    });
  }

  /** CPU time per request of a server between its mark and now. */
  async function cpuSince(server, requests) {
    const { user, system } = await ask(server, 'read');
    return { cpu: (user + system) / requests, user: user / requests };
  }

  /** Phase 1: one autocannon round against one server. */
  async function hit(server, duration) {
    await ask(server, 'mark');
    const result = await autocannon({
      url: server.url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: BODY,
      connections,
      duration,
    });
    const { cpu } = await cpuSince(server, result.requests.total);
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`${server.mode}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    }
    return {
      cpuMicrosecondsPerRequest: cpu,
      requestsPerSecond: Math.round(result.requests.average),
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
    };
  }

  /** Rounds in alternating order (bare first, then the handler first): a change of the machine's
   * load weighs on both alike. Each ratio is of one round's pair. */
  async function alternate(servers, round, count = rounds, runs = { bare: [], handler: [] }) {
    for (let i = 0; i < count; i++) {
      const order = i % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) runs[server.mode].push(await round(server));
    }
    return runs;
  }

  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  /** Each round's handler / bare of `pick`, sorted; their median; the quartiles and the range. */
  function ratiosOf(runs, pick) {
    const sorted = runs.handler.map((h, i) => pick(h) / pick(runs.bare[i])).sort((a, b) => a - b);
    const quartile = (q) => sorted[Math.round((sorted.length - 1) * q)];
    return {
      median: median(sorted),
      sorted: sorted.map((r) => r.toFixed(2)).join(', '),
      spread: `${quartile(0.25).toFixed(2)}–${quartile(0.75).toFixed(2)} between the quartiles, ${sorted[0].toFixed(2)}–${sorted.at(-1).toFixed(2)} in all`,
    };
  }

  // Phase 1: throughput.
  const servers = [await startServer('bare', 'bare'), await startServer('handler', handlerMode)];
  if (control) console.log("control run: the bare server in the handler's place");
  for (const server of servers) await hit(server, 2); // warm-up, one at a time
  const runs = await alternate(servers, (server) => hit(server, perRound));
  for (const server of servers) server.child.disconnect();
  const medianRound = (list) =>
    [...list].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[
      Math.floor(list.length / 2)
    ];
  const bare = medianRound(runs.bare);
  const handler = medianRound(runs.handler);
  console.log(
    `bare node:http JSON handler: ${bare.requestsPerSecond} req/s (median of ${rounds}: ${runs.bare.map((r) => r.requestsPerSecond).join(', ')}; p50 ${bare.latencyP50Ms} ms, p99 ${bare.latencyP99Ms} ms)`,
  );
  console.log(
    `createNodeWebhookHandler:    ${handler.requestsPerSecond} req/s (median of ${rounds}: ${runs.handler.map((r) => r.requestsPerSecond).join(', ')}; p50 ${handler.latencyP50Ms} ms, p99 ${handler.latencyP99Ms} ms)`,
  );
  const throughput = ratiosOf(runs, (r) => r.requestsPerSecond);
  const ratio = throughput.median;
  console.log(
    `handler / bare: ${ratio.toFixed(2)}, median of the ${rounds} rounds' pairs (${throughput.sorted}) (goal >= 0.85)`,
  );
  // The CPU time of the same rounds: autocannon ran on the servers' cores, and its load moves this.
  const sharedCpu = ratiosOf(runs, (r) => r.cpuMicrosecondsPerRequest);
  console.log(
    `server CPU per request while autocannon shared the cores, handler / bare: ${sharedCpu.median.toFixed(2)} (${sharedCpu.spread})`,
  );

  // Phase 2: the server's CPU time per request, `process.cpuUsage()` in each server process over
  // each round. A server on a core of its own, the client on another: the figure holds the server's
  // work only, not that of a load generator on the same cores.
  // Fresh processes every few rounds: a process can keep a bias of its own for its life (its JIT's
  // choices, its memory's layout), which one pair would carry into every round; `pairs` of them
  // make that one more spread of the rounds.
  const cores = pinnableCores();
  if (cores) pinSelf(cores.client);
  const cpuRound = async (server, milliseconds = perRound * 1000) => {
    const client = drive(server.port, cpuConnections);
    await client.running(200); // every connection answered once, then some
    await ask(server, 'mark');
    const first = client.answered;
    await sleep(milliseconds);
    const requests = client.answered - first;
    const cost = await cpuSince(server, requests);
    await client.stop();
    return cost;
  };
  const pairs = 3;
  const cpuRuns = { bare: [], handler: [] };
  for (let pair = 0; pair < pairs; pair++) {
    const cpuServers = [
      await startServer('bare', 'bare', cores?.server),
      await startServer('handler', handlerMode, cores?.server),
    ];
    for (const server of cpuServers) await cpuRound(server, 1000); // warm-up, one at a time
    await alternate(cpuServers, (server) => cpuRound(server), rounds / pairs, cpuRuns);
    for (const server of cpuServers) server.child.disconnect();
  }
  const bareCpu = median(cpuRuns.bare.map((r) => r.cpu));
  const handlerCpu = median(cpuRuns.handler.map((r) => r.cpu));
  const cpu = ratiosOf(cpuRuns, (r) => r.cpu);
  const cpuRatio = cpu.median;
  const userRatio = ratiosOf(cpuRuns, (r) => r.user);
  const placement = cores
    ? `each server on CPU ${cores.server} alone, the client on CPU ${cores.client}`
    : 'unpinned (taskset or a second core missing): the client shares the cores';
  console.log(
    `server CPU per request (${placement}): bare ${bareCpu.toFixed(1)} us, handler ${handlerCpu.toFixed(1)} us (median rounds); handler / bare ${cpuRatio.toFixed(2)}, median of the rounds' pairs (${cpu.spread}; rounds ${cpu.sorted}) (goal <= 1.15); user time alone ${userRatio.median.toFixed(2)} (${userRatio.spread})`,
  );

  // Where the difference goes: the per-call CPU cost of the checks, in this process.
  const { verifyWebhook } = await import('../dist/webhooks.js');
  const body = Buffer.from(BODY);
  const perCall = (fn) => {
    for (let i = 0; i < 20_000; i++) fn();
    const n = 200_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) fn();
    return Number((((performance.now() - start) * 1000) / n).toFixed(2));
  };
  // The same event with its username escaped (`\u0041` is `A`): a body the one-pass reader leaves
  // to the general one, which reads it as the same fields, so it verifies through the general path.
  const escaped = Buffer.from(BODY.replace('"A49"', '"\\u004149"'));
  const micro = {
    jsonParseMicroseconds: perCall(() => JSON.parse(body.toString('utf8'))),
    verifyWebhookMicroseconds: perCall(() => verifyWebhook(body, 'key')),
    generalMicroseconds: perCall(() => verifyWebhook(escaped, 'key')),
  };
  console.log(
    `per call: JSON.parse ${micro.jsonParseMicroseconds} us, verifyWebhook ${micro.verifyWebhookMicroseconds} us (one pass), ${micro.generalMicroseconds} us (an escaped body: the general reader)`,
  );

  if (control) console.log('control run: nothing written');
  else {
    const row = (name, r) => [
      { name: `${name}: requests/s`, value: r.requestsPerSecond, unit: 'req/s' },
      {
        name: `${name}: latency p50 / p99`,
        value: `${r.latencyP50Ms} / ${r.latencyP99Ms}`,
        unit: 'ms',
      },
    ];
    printSuite(
      writeSuite('market-webhook', {
        command: 'node packages/market/bench/webhook.bench.mjs',
        figures: [
          ...row('bare node:http JSON handler (baseline)', bare),
          ...row('createNodeWebhookHandler', handler),
          {
            name: 'errors and non-2xx answers',
            value: 0,
            unit: '',
            note: 'a run with any fails the bench',
          },
          {
            name: 'setup',
            value: `each server in its own process, driven alone, ${rounds} rounds of ${perRound} s per server in each phase, bare first in odd rounds and the handler first in even ones, after a 2 s warm-up of each; the median of the rounds' handler/bare ratios kept (the requests/s and µs above are each server's median round). Throughput: autocannon, ${connections} connections per server. CPU: ${placement}, ${pairs} pairs of fresh server processes of ${rounds / pairs} rounds each after a 1 s warm-up, a keep-alive client in the bench process, ${cpuConnections} connections with one request each in flight. The docs' purchase example; the dedup store admits every event, so each request runs verify + dedup + onEvent`,
            unit: '',
          },
          {
            name: 'handler / bare requests per second of each round, sorted',
            value: throughput.sorted,
            unit: '',
          },
          {
            name: 'server CPU per request: bare / handler',
            value: `${bareCpu.toFixed(1)} / ${handlerCpu.toFixed(1)}`,
            unit: 'µs',
            note: `process.cpuUsage() (user + system) in each server process over each round, divided by the round's requests; the median round; ${placement}`,
          },
          {
            name: 'server CPU per request, handler / bare: spread of the rounds',
            value: cpu.spread,
            unit: '',
          },
          {
            name: 'server CPU per request, handler / bare of each round, sorted',
            value: cpu.sorted,
            unit: '',
          },
          {
            name: 'server user CPU per request, handler / bare',
            value: `${userRatio.median.toFixed(2)} (${userRatio.spread})`,
            unit: '',
            note: 'user time alone: where the handler does its extra work (the system time, the socket calls, is the same for both)',
          },
          {
            name: 'server CPU per request while autocannon shared the cores, handler / bare',
            value: `${sharedCpu.median.toFixed(2)} (${sharedCpu.spread})`,
            unit: '',
            note: "the throughput rounds: autocannon ran on the servers' cores and its load moves this figure",
          },
          {
            name: 'verifyWebhook per call / JSON.parse per call',
            value: `${micro.verifyWebhookMicroseconds} / ${micro.jsonParseMicroseconds}`,
            unit: 'µs',
            note: 'the common body, verified in one pass',
          },
          {
            name: 'verifyWebhook per call, a body left to the general reader',
            value: micro.generalMicroseconds,
            unit: 'µs',
            note: 'the same event with its username escaped',
          },
        ],
        goals: [
          {
            name: "server CPU per request, handler / bare, median of the rounds' pairs (at most)",
            value: cpuRatio,
            target: 1.15,
            met: cpuRatio <= 1.15,
          },
          {
            name: 'handler / bare requests per second',
            value: ratio,
            target: 0.85,
            met: ratio >= 0.85,
          },
        ],
      }),
    );
  }
}

/** Resolves after `milliseconds`. */
function sleep(milliseconds) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Two CPUs of this process's affinity, one for the servers and one for the client, when `taskset`
 * (util-linux) can pin processes; `undefined` otherwise (the CPU phase then runs unpinned).
 */
function pinnableCores() {
  const probe = spawnSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  // "pid 123's current affinity list: 0-1" or "0,2,5-7".
  const list = probe.stdout.split(':').at(-1)?.trim() ?? '';
  const cpus = list.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    return Number.isInteger(from) && Number.isInteger(to)
      ? Array.from({ length: to - from + 1 }, (_, i) => from + i)
      : [];
  });
  return cpus.length >= 2 ? { client: String(cpus[0]), server: String(cpus[1]) } : undefined;
}

/** Pins this process (every thread) to `cpu`. */
function pinSelf(cpu) {
  const pinned = spawnSync('taskset', ['-a', '-pc', cpu, String(process.pid)], { stdio: 'ignore' });
  if (pinned.status !== 0) throw new Error(`taskset could not pin the bench to CPU ${cpu}`);
}

/**
 * A light HTTP/1.1 client: `connections` keep-alive sockets, each with one request in flight,
 * sending the next as soon as the previous answer is whole. `answered` counts whole 200 answers;
 * anything else fails the bench.
 */
function drive(port, connections) {
  const request = Buffer.from(
    `POST /hook HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`,
  );
  let answered = 0;
  let stopping = false;
  let failure;
  const sockets = Array.from({ length: connections }, () => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let pending = '';
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      for (;;) {
        const headEnd = pending.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const head = pending.slice(0, headEnd);
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        if (!head.startsWith('HTTP/1.1 200 ') || !length) {
          failure ??= new Error(`the server answered: ${JSON.stringify(head)}`);
          socket.destroy();
          return;
        }
        const end = headEnd + 4 + Number(length[1]);
        if (pending.length < end) return;
        pending = pending.slice(end);
        answered++;
        if (!stopping) socket.write(request);
      }
    });
    socket.on('error', (error) => {
      if (!stopping) failure ??= error;
    });
    socket.write(request);
    return socket;
  });
  const check = () => {
    if (failure) throw failure;
  };
  return {
    get answered() {
      check();
      return answered;
    },
    /** Resolves once every connection had an answer and `milliseconds` more have passed. */
    async running(milliseconds) {
      const deadline = Date.now() + 10_000;
      while (answered < connections) {
        check();
        if (Date.now() > deadline) throw new Error('the server did not answer within 10 s');
        await sleep(10);
      }
      await sleep(milliseconds);
      check();
    },
    async stop() {
      stopping = true;
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise((resolve) => {
              socket.once('close', resolve);
              socket.destroy();
            }),
        ),
      );
      check();
    },
  };
}

// A/B experiment: CPU per request of two server modes, pinned, one at a time, fresh pairs.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
const BODY = '{"kind":"purchase","amount":0.9,"username":"A49","unique_id":89968,"item_id":"E3yugw","signature":"dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560"}';
if (process.argv[2] === 'serve') {
  const mode = process.argv[3];
  let server;
  if (mode === 'bare') {
    server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => { JSON.parse(Buffer.concat(chunks).toString('utf8')); res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' }); res.end('{"ok":true}'); });
    });
  } else {
    const dir = mode === 'handler' ? '../dist' : `../${mode.slice(8)}`; // handler:distB
    const { createNodeWebhookHandler } = await import(`${dir}/webhooks.js`);
    const admitAll = { claim: () => 'claimed', complete: () => {}, release: () => {} };
    server = createServer(createNodeWebhookHandler({ secret: 'key', dedupStore: admitAll, onEvent: () => {} }));
  }
  let mark = process.cpuUsage();
  process.on('message', (m) => { if (m === 'mark') { mark = process.cpuUsage(); process.send('ok'); } else { const u = process.cpuUsage(mark); process.send(u.user + u.system); } });
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
} else {
  const [a, b] = process.argv.slice(2, 4);
  const pairs = Number(process.argv[4] ?? 3), per = Number(process.argv[5] ?? 4);
  spawnSync('taskset', ['-a', '-pc', '0', String(process.pid)], { stdio: 'ignore' });
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const start = async (mode) => {
    const child = spawn('taskset', ['-c', '1', process.execPath, fileURLToPath(import.meta.url), 'serve', mode], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    const port = await new Promise((r) => child.stdout.once('data', (d) => r(Number(String(d).trim()))));
    return { mode, child, port };
  };
  const ask = (s, m) => new Promise((r) => { s.child.once('message', r); s.child.send(m); });
  const req = Buffer.from(`POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`);
  const round = async (s, ms) => {
    let n = 0, stop = false; const socks = [];
    for (let c = 0; c < 16; c++) {
      const so = connect(s.port, '127.0.0.1'); so.setNoDelay(true); let p = '';
      so.on('data', (d) => { p += d.toString('latin1'); for (;;) { const h = p.indexOf('\r\n\r\n'); if (h < 0) return; const e = h + 4 + 11; if (p.length < e) return; if (!p.startsWith('HTTP/1.1 200')) throw new Error(p); p = p.slice(e); n++; if (!stop) so.write(req); } });
      so.on('error', () => {}); so.write(req); socks.push(so);
    }
    await sleep(200); await ask(s, 'mark'); const n0 = n; await sleep(ms); const n1 = n; const cpu = await ask(s, 'read');
    stop = true; for (const so of socks) so.destroy(); await sleep(50);
    return cpu / (n1 - n0);
  };
  const ratios = [];
  for (let p = 0; p < pairs; p++) {
    const sv = [await start(a), await start(b)];
    for (const s of sv) await round(s, 1000);
    for (let i = 0; i < per; i++) {
      const order = i % 2 ? [...sv].reverse() : sv; const r = {};
      for (const s of order) r[s.mode] = await round(s, 1000);
      ratios.push(r[b] / r[a]);
    }
    for (const s of sv) s.child.disconnect();
  }
  ratios.sort((x, y) => x - y);
  console.log(`${b} / ${a}: median ${ratios[Math.floor(ratios.length / 2)].toFixed(3)}  [${ratios.map((r) => r.toFixed(2)).join(' ')}]`);
}

// Runs Workers on workerd through Miniflare (which needs Node 22: run this with node@22's binary).
//   node workerd.mjs <dir> [<dir>...] < request.json
// Each <dir> is one Worker: its `index.js` (the entry) and the modules beside it. Each is started
// alone, without nodejs_compat, sent the standard input as a POST body, and stopped; one line of
// JSON per Worker is printed: { "dir", "status", "body" } or { "dir", "error" } when it failed to
// start or to answer.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';

const body = readFileSync(0, 'utf8');
for (const dir of process.argv.slice(2)) {
  const files = readdirSync(dir).filter((file) => /\.m?js$/.test(file));
  const modules = ['index.js', ...files.filter((file) => file !== 'index.js')].map((file) => ({
    type: 'ESModule',
    path: join(dir, file),
    contents: readFileSync(join(dir, file), 'utf8'),
  }));
  const worker = new Miniflare({ modules, modulesRoot: dir, compatibilityDate: '2026-07-01' });
  // A Worker that fails to start rejects `ready` (and every call after it): one finding, not a crash.
  const ready = worker.ready;
  ready.catch(() => undefined);
  try {
    await ready;
    const response = await worker.dispatchFetch('http://worker.test/', { method: 'POST', body });
    console.log(JSON.stringify({ dir, status: response.status, body: await response.text() }));
  } catch (error) {
    const message = String(error?.message ?? error);
    console.log(JSON.stringify({ dir, error: message.split('\n').slice(0, 4).join('\n') }));
  } finally {
    await worker.dispose().catch(() => undefined);
  }
}

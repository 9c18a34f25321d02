// The Workers entry (src/worker.ts) on workerd, the Workers runtime, through Miniflare: bundled
// for a Web platform, where an import of a Node builtin fails the build, and run without the
// nodejs_compat flag. Miniflare needs Node 22: `pnpm --filter neverlose-example-hono workerd`
// runs this with the `node` (22) this example installs.
//
// Configuration as on Workers, from bindings: the environment variables of src/worker.ts
// (NEVERLOSE_CLIENT_ID, NEVERLOSE_CLIENT_SECRET, NEVERLOSE_ISSUER, SESSION_SECRET, PUBLIC_URL,
// NEVERLOSE_ALLOW_INSECURE_HTTP) are handed over as they are; PORT (3003) and HOST (127.0.0.1)
// say where to listen. Prints `listening on <url>` once it answers; stops on SIGINT and SIGTERM.
import { join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

const root = join(import.meta.dirname, '..');
const BINDINGS = [
  'NEVERLOSE_CLIENT_ID',
  'NEVERLOSE_CLIENT_SECRET',
  'NEVERLOSE_ISSUER',
  'SESSION_SECRET',
  'PUBLIC_URL',
  'NEVERLOSE_ALLOW_INSECURE_HTTP',
];

const bundle = await build({
  entryPoints: [join(root, 'src', 'worker.ts')],
  bundle: true,
  // A Web platform: `node:` imports do not resolve, so the build proves there are none.
  platform: 'browser',
  conditions: ['workerd', 'worker', 'browser'],
  format: 'esm',
  target: 'es2022',
  write: false,
  logLevel: 'error',
});

const port = Number(process.env.PORT ?? 3003);
const host = process.env.HOST ?? '127.0.0.1';
const worker = new Miniflare({
  modules: true,
  script: bundle.outputFiles[0].text,
  compatibilityDate: '2025-09-01',
  // Deliberately none: no nodejs_compat.
  compatibilityFlags: [],
  bindings: Object.fromEntries(
    BINDINGS.filter((name) => process.env[name] !== undefined).map((name) => [
      name,
      process.env[name],
    ]),
  ),
  port,
  host,
});
const url = await worker.ready;
console.log(`listening on ${url.href.replace(/\/+$/, '')}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void worker.dispose().then(() => process.exit(0));
  });
}

// The signing bench on workerd, through Miniflare (run with node@22's binary, as `pnpm bench` does):
//   test/runtimes/node_modules/node22/bin/node test/runtimes/bench-workerd.mjs
// workerd's clocks do not move while a Worker computes, so the Worker runs a task `count` times per
// request and the host times the request, less the time of a request that runs nothing. The docs'
// snippet needs node:crypto, so it runs in a second Worker with nodejs_compat; neverlose-market
// runs without it, as on Workers by default. Writes bench/results/market-signing-workerd.json.

import { printSuite, writeSuite } from '@neverlose-toolkit/test-support/bench-report';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { workerBuildOptions, workerdVersion } from './worker-build.mjs';

const here = import.meta.dirname;
const secret = 'bench-secret-0123456789abcdef';
const request = { user_id: 1, id: 'order-17', username: 'a49', product: 'cs2', cnt: 0 };
const webhook =
  '{"kind": "purchase", "amount": 0.9, "username": "A49", "unique_id": 89968, "item_id": "E3yugw", "signature": "dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560"}';

/** A Worker running `tasks[task]` `count` times per POST `{ task, count }`. */
const loop = `
export default {
  async fetch(request) {
    const { task, count } = await request.json();
    const run = tasks[task];
    let sink;
    for (let i = 0; i < count; i++) sink = run();
    return new Response(String(sink !== undefined));
  },
};`;
const constants = `const secret = ${JSON.stringify(secret)};
const request = ${JSON.stringify(request)};
const webhook = ${JSON.stringify(webhook)};`;

const ours = `import { signPayload, verifySignature } from 'neverlose-market/signing';
${constants}
const tasks = {
  nothing: () => 0,
  sign: () => signPayload(request, secret),
  verify: () => verifySignature(webhook, 'key'),
};
${loop}`;

// The docs' JavaScript snippet, as in packages/market/bench/signing.bench.mjs.
const docs = `import { createHash } from 'node:crypto';
${constants}
const sort_obj = (obj) => Object.keys(obj).sort().reduce((result, key) => { result[key] = obj[key]; return result; }, {});
const obj_to_string = (obj) => { obj = sort_obj(obj); let str = ''; for (const p in obj) if (Object.hasOwn(obj, p)) str += p + obj[p]; return str; };
const docs_generate = (j, s) => createHash('sha256').update(obj_to_string(j) + s).digest('hex');
const docs_validate = (j, s) => { const nl_sig = j.signature; delete j.signature; return nl_sig === docs_generate(j, s); };
const tasks = {
  nothing: () => 0,
  generate: () => docs_generate(request, secret),
  validate: () => docs_validate(JSON.parse(webhook), 'key'),
};
${loop}`;

async function worker(source, compatibilityFlags) {
  const { outputFiles } = await build({
    ...workerBuildOptions,
    stdin: { contents: source, resolveDir: here, loader: 'js' },
    write: false,
    outfile: 'index.js',
  });
  const mf = new Miniflare({
    modules: true,
    script: outputFiles[0].text,
    compatibilityDate: '2026-07-01',
    compatibilityFlags,
  });
  await mf.ready;
  return mf;
}

async function seconds(mf, task, count) {
  const started = process.hrtime.bigint();
  const response = await mf.dispatchFetch('http://bench.test/', {
    method: 'POST',
    body: JSON.stringify({ task, count }),
  });
  await response.text();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const COUNT = 100_000;
const ROUNDS = 5;
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

/** Operations per second of each task, the median of ROUNDS rounds taken in turns. */
async function measure(workers) {
  const runs = new Map();
  for (const [mf, task] of workers) {
    await seconds(mf, task, COUNT / 10); // warm-up
    runs.set(task, []);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [mf, task] of workers) {
      const overhead = await seconds(mf, 'nothing', COUNT);
      runs.get(task).push(COUNT / Math.max(1e-6, (await seconds(mf, task, COUNT)) - overhead));
    }
  }
  return new Map([...runs].map(([task, list]) => [task, median(list)]));
}

const oursWorker = await worker(ours, []);
const docsWorker = await worker(docs, ['nodejs_compat']);
let hz;
try {
  hz = await measure([
    [oursWorker, 'sign'],
    [docsWorker, 'generate'],
    [oursWorker, 'verify'],
    [docsWorker, 'validate'],
  ]);
} finally {
  await Promise.all([oursWorker.dispose(), docsWorker.dispose()]);
}

const note = `median of ${ROUNDS} rounds of ${COUNT.toLocaleString('en-US')} in one request, less an empty loop`;
const [sign, generate, verify, validate] = ['sign', 'generate', 'verify', 'validate'].map((t) =>
  hz.get(t),
);
const report = writeSuite('market-signing-workerd', {
  command: 'node@22 test/runtimes/bench-workerd.mjs',
  figures: [
    { name: 'runtime', value: `workerd ${workerdVersion()} (Miniflare)`, unit: '' },
    { name: 'signPayload (5-field request object)', value: sign, unit: 'ops/s', note },
    {
      name: 'docs snippet: generate (same object)',
      value: generate,
      unit: 'ops/s',
      note: `${note}; nodejs_compat, for its node:crypto`,
    },
    { name: 'verifySignature (raw webhook body)', value: verify, unit: 'ops/s', note },
    {
      name: 'docs snippet: JSON.parse + validate (same body)',
      value: validate,
      unit: 'ops/s',
      note: `${note}; nodejs_compat, for its node:crypto`,
    },
  ],
  goals: [
    {
      name: 'signPayload / docs generate',
      value: sign / generate,
      target: 1,
      met: sign / generate >= 1,
    },
    {
      name: 'verifySignature / docs validate',
      value: verify / validate,
      target: 0.5,
      met: verify / validate >= 0.5,
    },
  ],
});
printSuite(report);

// Signing throughput (after `pnpm build`), unchanged on every runtime:
//   node packages/market/bench/signing.bench.mjs
//   bun packages/market/bench/signing.bench.mjs
//   deno run -A packages/market/bench/signing.bench.mjs
// Results go to bench/results/market-signing.json (Node), market-signing-bun.json, -deno.json.
import * as nodeCrypto from 'node:crypto';
import { printSuite, writeSuite } from '@neverlose-toolkit/test-support/bench-report';
import { Bench } from 'tinybench';
import { signPayload, verifySignature } from '../dist/signing.js';

const runtime = globalThis.Deno
  ? { name: 'deno', version: globalThis.Deno.version.deno, command: 'deno run -A' }
  : globalThis.Bun
    ? { name: 'bun', version: globalThis.Bun.version, command: 'bun' }
    : { name: 'node', version: process.versions.node, command: 'node' };

const secret = 'bench-secret-0123456789abcdef';
const request = { user_id: 1, id: 'order-17', username: 'a49', product: 'cs2', cnt: 0 };
const webhook =
  '{"kind": "purchase", "amount": 0.9, "username": "A49", "unique_id": 89968, "item_id": "E3yugw", "signature": "dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560"}';

// The docs' JavaScript snippet, verbatim in behaviour (it is wrong for floats, booleans and kind).
const sort_obj = (obj) =>
  Object.keys(obj)
    .sort()
    .reduce((result, key) => {
      result[key] = obj[key];
      return result;
    }, {});
const obj_to_string = (obj) => {
  obj = sort_obj(obj);
  let str = '';
  for (const p in obj) if (Object.hasOwn(obj, p)) str += p + obj[p];
  return str;
};
const docs_generate = (j, s) =>
  nodeCrypto
    .createHash('sha256')
    .update(obj_to_string(j) + s)
    .digest('hex');
const docs_validate = (j, s) => {
  const nl_sig = j.signature;
  delete j.signature;
  return nl_sig === docs_generate(j, s);
};

// The floor: one SHA-256 of the string signPayload hashes (the snippet builds the same one here).
const prebuilt = obj_to_string(request) + secret;
const sha256 =
  typeof nodeCrypto.hash === 'function'
    ? (text) => nodeCrypto.hash('sha256', text, 'hex')
    : (text) => nodeCrypto.createHash('sha256').update(text).digest('hex');
let sink;
const tasks = {
  'signPayload (5-field request object)': () => {
    sink = signPayload(request, secret);
  },
  'docs snippet: generate (same object)': () => {
    sink = docs_generate(request, secret);
  },
  'verifySignature (raw webhook body)': () => {
    sink = verifySignature(webhook, 'key');
  },
  'docs snippet: JSON.parse + validate (same body)': () => {
    sink = docs_validate(JSON.parse(webhook), 'key');
  },
  'floor: bare SHA-256 of the built string': () => {
    sink = sha256(prebuilt);
  },
};
// The machine may be shared: five short rounds of every task, each task's median kept, so that a
// burst of outside load does not land on one side of a ratio only.
const ROUNDS = 5;
const runs = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: 300, warmupTime: round === 0 ? 300 : 50 });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  for (const task of bench.tasks) runs[task.name].push(task.result.throughput.mean);
}
if (sink === undefined) throw new Error('unreachable');

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const hz = Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, median(list)]));
const names = Object.keys(tasks);
const [sign, docsSign, verify, docsVerify, floor] = names.map((name) => hz[name]);
const report = writeSuite(
  runtime.name === 'node' ? 'market-signing' : `market-signing-${runtime.name}`,
  {
    command: `${runtime.command} packages/market/bench/signing.bench.mjs`,
    figures: [
      { name: 'runtime', value: `${runtime.name} ${runtime.version}`, unit: '' },
      ...names.map((name) => ({
        name,
        value: hz[name],
        unit: 'ops/s',
        note: `median of ${ROUNDS} rounds`,
      })),
      {
        name: 'docs snippet verifies the docs’ purchase webhook',
        value: String(docs_validate(JSON.parse(webhook), 'key')),
        unit: '',
        note: 'it hashes kind, which the signature does not cover',
      },
      {
        name: 'verifySignature verifies it',
        value: String(verifySignature(webhook, 'key')),
        unit: '',
      },
    ],
    goals: [
      {
        name: 'signPayload / docs generate',
        value: sign / docsSign,
        target: 1,
        met: sign / docsSign >= 1,
      },
      {
        name: 'verifySignature / docs validate',
        value: verify / docsVerify,
        target: 0.5,
        met: verify / docsVerify >= 0.5,
      },
      { name: 'signPayload / SHA-256 floor', value: sign / floor, target: 0, met: true },
    ],
  },
);
printSuite(report);

// Figures for neverlose-oidc against calling openid-client directly, in the same run, against a
// local provider. neverlose-oidc does more than the direct calls: it also draws and hashes the
// browser binding, checks returnTo and the options, and builds the transaction. Runs the BUILT
// package: `pnpm --filter neverlose-oidc build` first.

import { printSuite, writeSuite } from '@neverlose-toolkit/test-support/bench-report';
import { authorize, startProvider } from '@neverlose-toolkit/test-support/hostile-provider';
import * as oidc from 'openid-client';
import { Bench } from 'tinybench';
import { createNeverloseClient } from '../dist/index.js';

const REDIRECT = 'http://localhost:3000/auth/neverlose/callback';
const SCOPE = 'openid profile email';

const provider = await startProvider();
const client = await createNeverloseClient({
  clientId: provider.clientId,
  clientSecret: provider.clientSecret,
  redirectUri: REDIRECT,
  issuer: provider.issuer,
  dangerouslyAllowInsecureHttp: true,
});
// The same security for the direct calls: signatures checked against the JWKS.
const config = await oidc.discovery(
  new URL(provider.issuer),
  provider.clientId,
  provider.clientSecret,
  oidc.ClientSecretBasic(provider.clientSecret),
  { execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] },
);

async function directStart() {
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url, state, nonce, codeVerifier };
}

async function directCallback(prepared) {
  const tokens = await oidc.authorizationCodeGrant(config, new URL(prepared.callback), {
    pkceCodeVerifier: prepared.codeVerifier,
    expectedState: prepared.state,
    expectedNonce: prepared.nonce,
    idTokenExpected: true,
  });
  return oidc.fetchUserInfo(config, tokens.access_token, tokens.claims().sub);
}

// Each callback needs a fresh code: the login is started and authorized in beforeEach, outside
// the timed window.
let oursPrepared;
let directPrepared;
const tasks = {
  'startAuthorization (neverlose-oidc)': [() => client.startAuthorization({ returnTo: '/home' })],
  'startAuthorization (openid-client direct)': [directStart],
  'callback (neverlose-oidc)': [
    () =>
      client.completeAuthorization(
        oursPrepared.callback,
        oursPrepared.transaction,
        oursPrepared.binding,
      ),
    async () => {
      const started = await client.startAuthorization({ returnTo: '/home' });
      oursPrepared = { ...started, callback: await authorize(started.url) };
    },
  ],
  'callback (openid-client direct)': [
    () => directCallback(directPrepared),
    async () => {
      const started = await directStart();
      directPrepared = { ...started, callback: await authorize(started.url) };
    },
  ],
};

// Four rounds in alternating orders, so that neither side always runs on a warmer process or in
// a quieter moment of a shared machine. Throughput is taken from the median latency (robust to
// GC pauses and neighbours), and the mean is recorded beside it.
const names = Object.keys(tasks);
const samples = Object.fromEntries(names.map((name) => [name, []]));
const reversed = [...names].reverse();
for (const order of [names, reversed, names, reversed]) {
  const bench = new Bench({ time: 2000, warmupTime: 300 });
  for (const name of order) {
    const [fn, beforeEach] = tasks[name];
    bench.add(name, fn, beforeEach ? { async: true, beforeEach } : { async: true });
  }
  await bench.run();
  for (const task of bench.tasks) {
    const result = task.result;
    if (result?.error) throw result.error;
    samples[task.name].push(1000 / result.latency.p50);
  }
}
await provider.close();

const average = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const opsPerSecond = Object.fromEntries(names.map((name) => [name, average(samples[name])]));
const ratio = (ours, direct) => opsPerSecond[ours] / opsPerSecond[direct];
const ratios = {
  startAuthorization: ratio(
    'startAuthorization (neverlose-oidc)',
    'startAuthorization (openid-client direct)',
  ),
  callback: ratio('callback (neverlose-oidc)', 'callback (openid-client direct)'),
};
printSuite(
  writeSuite('oidc', {
    command: 'node packages/oidc/bench/oidc.bench.mjs',
    figures: [
      ...names.map((name) => ({
        name,
        value: opsPerSecond[name],
        unit: 'ops/s',
        note: 'from the median latency, 4 alternating rounds',
      })),
    ],
    goals: [
      {
        name: 'startAuthorization: neverlose-oidc / openid-client direct',
        value: ratios.startAuthorization,
        target: 0.95,
        met: ratios.startAuthorization >= 0.95,
      },
      {
        name: 'full callback: neverlose-oidc / openid-client direct',
        value: ratios.callback,
        target: 0.9,
        met: ratios.callback >= 0.9,
      },
    ],
  }),
);

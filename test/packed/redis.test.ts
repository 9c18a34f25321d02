import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPacked, type PackedProject } from '../support/packed.js';

// neverlose-redis with one optional peer only: each entry loads the peer it needs, and no other.
const installs = [
  {
    peer: 'oidc',
    entry: 'neverlose-redis/oidc',
    adapter: 'RedisTransactionStore',
    // The market entry needs neverlose-market at run time (its journal throws the market's errors).
    other: { entry: 'neverlose-redis/market', outcome: 'ERR_MODULE_NOT_FOUND neverlose-market' },
  },
  {
    peer: 'market',
    entry: 'neverlose-redis/market',
    adapter: 'RedisIdJournal',
    // The oidc entry needs neverlose-oidc at run time (a full store throws the oidc error).
    other: { entry: 'neverlose-redis/oidc', outcome: 'ERR_MODULE_NOT_FOUND neverlose-oidc' },
  },
] as const;

describe.each(installs)('neverlose-redis installed with neverlose-$peer only', (install) => {
  let project: PackedProject;
  beforeAll(async () => {
    project = await installPacked(['redis', install.peer]);
  });
  afterAll(() => project?.remove());

  /** Loads the root entry and the peer's entry, builds an adapter and catches a coded error. */
  const program = (load: string) => `${load}
    const adapter = new ${install.adapter}({ sendCommand: async () => null }, { prefix: 'app:' });
    let code;
    try { new ${install.adapter}({}); } catch (error) { code = isNeverloseRedisError(error) && error.code; }
    console.log(JSON.stringify({ adapter: typeof adapter, code }));`;
  const expected = { adapter: 'object', code: 'ERR_REDIS_UNSUPPORTED_CLIENT' };

  it(`imports the root entry and ${install.entry} from import()`, async () => {
    const result = await project.node(
      'esm.mjs',
      program(`import { isNeverloseRedisError } from 'neverlose-redis';
       import { ${install.adapter} } from '${install.entry}';`),
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(expected);
  });

  it(`requires the root entry and ${install.entry} from require()`, async () => {
    const result = await project.node(
      'cjs.cjs',
      program(`const { isNeverloseRedisError } = require('neverlose-redis');
       const { ${install.adapter} } = require('${install.entry}');`),
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(expected);
  });

  it(`answers ${install.other.outcome} for ${install.other.entry}`, async () => {
    const result = await project.node(
      'other.mjs',
      `try { await import('${install.other.entry}'); console.log('loaded'); }
       catch (error) { console.log(error.code, error.message.match(/'(neverlose-[a-z]+)'/)?.[1]); }`,
    );
    expect(result.stdout.trim()).toBe(install.other.outcome);
  });
});

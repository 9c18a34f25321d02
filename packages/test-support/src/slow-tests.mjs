// What `pnpm test:slow` runs instead of `pnpm test`: tests that take seconds each because they
// prove a property by volume or by time (browser end-to-end, several processes, injected faults
// and kills, fuzzing, hostile input against every route, failover, packed tarballs installed with
// npm, the runtime matrix). Every file runs in exactly one of the two commands; CI runs both.
// Plain JavaScript (types in slow-tests.d.mts): the vitest configs that read it are loaded by Node.js.

/** Folders of `test/` whose files all run in the slow project. */
export const slowFolders = [
  'conformance',
  'demo',
  'e2e',
  'faults',
  'first-hour',
  'fuzz',
  'hostile',
  'multi-instance',
  'packed',
  'runtimes',
];

/** Files of other folders of `test/` that run in the slow project. */
export const slowFiles = [
  // every market README path as a program of its own against an emulator: some twenty processes.
  'docs/market-snippets.test.ts',
];

/** Test files of the packages that run in the slow project, by package folder. */
export const slowPackageTests = {
  // kill -9 of child processes mid-operation, then resumed by new ones.
  market: ['test/journal/crash-resume.test.ts'],
  // its redaction property: 40 logins, each checked for every secret it handled.
  oidc: ['test/diagnostics.test.ts'],
  // a cluster of six nodes of its own, replication waits that time out by design.
  redis: ['test/replication.test.ts'],
};

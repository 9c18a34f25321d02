#!/usr/bin/env node
// Thin launcher so the bin exists before the first build; the CLI itself lives in dist/.
import('../dist/cli/main.js').then(
  (cli) => cli.main(),
  (error) => {
    const unbuilt = error?.code === 'ERR_MODULE_NOT_FOUND';
    const reason = unbuilt ? 'the package is not built yet; run `pnpm build` first.' : error;
    process.stderr.write(`nl-market: ${reason?.message ?? reason}\n`);
    process.exitCode = 2;
  },
);

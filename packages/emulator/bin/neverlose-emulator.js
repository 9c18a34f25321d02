#!/usr/bin/env node
// Thin launcher so the bin exists before the first build; the CLI itself lives in dist/.
import('../dist/cli/main.js')
  .then((cli) => cli.run(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error) => {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write(
        'neverlose-emulator: the package is not built yet; run `pnpm build` first.\n',
      );
    } else {
      process.stderr.write(`neverlose-emulator: ${error?.message ? error.message : error}\n`);
    }
    process.exitCode = 2;
  });

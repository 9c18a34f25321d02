import { EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from '@neverlose-toolkit/internal/cli';
import { MarketApiError } from '../../client/errors.js';
import { MarketClient } from '../../client/market-client.js';
import { checkResellerPrices } from '../../prices/validate.js';
import { ACCOUNT_FLAGS, type CliIo, readTextArgument, resolveAccount, toJson } from '../io.js';
export const pricesHelp = `Usage: nl-market prices validate <file> [--product NAME]... [--json]
       nl-market prices push <file> --integration-id N [--user-id N] [--secret KEY] [--json]

validate  Checks a reseller prices JSON file against every documented rule and lists each issue
          with its key and rule. Exit 1 when invalid.
push      Validates, then sends it with set-reseller-prices. Prices expire after 24 hours: run it
          hourly (cron) or use startPriceSync() in code.

<file> may be - for stdin.

Options:
  --product NAME      Allow this product in keys (repeatable; default: csgo, cs2).
  --integration-id N  Your reseller integration id (push).
  --user-id N         Your market user id (default: $NEVERLOSE_USER_ID).
  --secret KEY        Your market API key (default: $NEVERLOSE_API_KEY).
  --base-url URL      API root (push; default: $NEVERLOSE_MARKET_URL, else the production API);
                      --legacy-endpoint for https://neverlose.cc/api/market.
  --json              Print the result as JSON.
`;

export async function pricesCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      product: { type: 'string', multiple: true },
      'integration-id': { type: 'string' },
      ...ACCOUNT_FLAGS,
      json: { type: 'boolean' },
    },
    { allowPositionals: true },
  );
  const [action, file, ...extra] = positionals;
  if ((action !== 'validate' && action !== 'push') || file === undefined || extra.length > 0) {
    throw new UsageError('usage: nl-market prices validate|push <file>');
  }
  const text = await readTextArgument(file, io);
  let prices: unknown;
  try {
    prices = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not JSON`);
  }
  const issues = checkResellerPrices(prices, values.product ? { products: values.product } : {});
  if (issues.length > 0) {
    if (values.json) io.out(`${toJson({ ok: false, issues })}\n`);
    else
      io.out(
        `invalid: ${issues.length} issue(s)\n${issues.map((issue) => `  ${issue.message}`).join('\n')}\n`,
      );
    return EXIT_FAILED;
  }
  if (action === 'validate') {
    io.out(
      values.json
        ? `${toJson({ ok: true, keys: Object.keys(prices as object) })}\n`
        : `valid: ${Object.keys(prices as object).join(', ')}\n`,
    );
    return EXIT_OK;
  }

  const idText = values['integration-id'];
  if (idText === undefined || !/^[1-9]\d*$/.test(idText))
    throw new UsageError('push needs --integration-id N');
  const client = new MarketClient(resolveAccount(values, io));
  try {
    await client.call('set-reseller-prices', {
      integrationId: Number(idText),
      prices,
      ...(values.product ? { products: values.product } : {}),
    });
  } catch (error) {
    if (!(error instanceof MarketApiError)) throw error;
    io.err(`nl-market prices push: ${error.message}\n`);
    return EXIT_FAILED;
  }
  const expiresAt = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
  io.out(
    values.json
      ? `${toJson({ ok: true, expiresAt })}\n`
      : `pushed; these prices expire at ${expiresAt} unless pushed again\n`,
  );
  return EXIT_OK;
}

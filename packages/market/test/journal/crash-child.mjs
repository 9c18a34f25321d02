// Runs one side of the crash test against the BUILT package, in its own process.
// Usage: node crash-child.mjs start|resume <journal file> <base url>
import { MarketClient } from '../../dist/client.js';
import { openSqliteIdJournal } from '../../dist/sqlite.js';

const [mode, file, baseUrl] = process.argv.slice(2);
const journal = await openSqliteIdJournal(file);
const client = new MarketClient({
  userId: 1,
  secret: 'crash-secret',
  baseUrl,
  retries: 0,
  timeoutMs: 30_000,
  journal,
});

if (mode === 'start') {
  process.stdout.write('started\n');
  const result = await client.giftProduct({
    key: 'order-crash',
    username: 'darth',
    product: 'cs2',
    days: 30,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const reports = await client.resumePending();
  process.stdout.write(
    `${JSON.stringify(reports.map(({ error, ...report }) => ({ ...report, error: error?.code })))}\n`,
  );
}
journal.close();

// A reseller's fulfilment worker, run as its own process so a test can kill it hard.
// node money-client.mjs <marketUrl> <journalPath> <operations> <concurrency> [--resume]
// Prints one JSON line per finished operation, then {"summary": ...}.
import { MarketClient } from 'neverlose-market/client';
import { openSqliteJournal } from 'neverlose-market/sqlite';

const [marketUrl, journalPath, total, concurrency, flag] = process.argv.slice(2);
const journal = await openSqliteJournal(journalPath);
const client = new MarketClient({
  userId: 10,
  secret: 'emulator-reseller-key',
  baseUrl: marketUrl,
  journal,
  timeoutMs: 400,
  retries: 12,
  retryBaseMs: 10,
  retryMaxMs: 200,
});
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

const summary = {
  resumed: 0,
  completed: 0,
  alreadyCompleted: 0,
  fromJournal: 0,
  failed: 0,
  attempts: 0,
};
if (flag === '--resume') {
  for (const report of await client.resumePending()) {
    summary.resumed++;
    print({ resumed: report.key, status: report.status });
  }
}

const buyers = ['alice', 'bob', 'charlie'];
let next = 0;
async function worker() {
  while (next < Number(total)) {
    const i = next++;
    const key = `op-${i}`;
    const result =
      i % 2 === 0
        ? await client.giftProduct({ key, username: buyers[i % 3], product: 'csgo', days: 30 })
        : await client.transferMoney({ key, username: buyers[i % 3], amount: 0.5 });
    summary.attempts += result.attempts;
    if (result.fromJournal) summary.fromJournal++;
    if (result.status === 'completed') summary.completed++;
    else if (result.status === 'already-completed') summary.alreadyCompleted++;
    else summary.failed++;
    print({
      key,
      id: result.id,
      status: result.status,
      attempts: result.attempts,
      fromJournal: result.fromJournal,
    });
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
print({ summary });
await journal.close?.();

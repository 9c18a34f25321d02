// Holds a connection of a pg.Pool in a transaction (through the BUILT package) while the test ends
// that connection's server session, as a restart does, then reports how the transaction ended.
// The pool has an 'error' listener, as the README's wiring shows.
// Usage: node held-connection-child.mjs <database url>
import pg from 'pg';
import { withTransaction } from '../dist/index.js';

const pool = new pg.Pool({ connectionString: process.argv[2], max: 2 });
pool.on('error', () => undefined);
let outcome;
try {
  await withTransaction(pool, async (tx) => {
    const [{ pid }] = (await tx.query('SELECT pg_backend_pid() AS pid')).rows;
    process.stdout.write(`${JSON.stringify({ pid })}\n`);
    // The test terminates this backend; the next statement finds the connection gone.
    await new Promise((resolve) => process.stdin.once('data', resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await tx.query('SELECT 1');
  });
  outcome = { ok: true };
} catch (error) {
  outcome = { ok: false, code: error?.code ?? null, message: String(error?.message) };
}
// The process is still up: the pool answers again once the server does.
const { rows } = await pool.query('SELECT 1 AS one');
process.stdout.write(`${JSON.stringify({ ...outcome, after: rows[0].one })}\n`);
await pool.end();

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeSuite } from '@neverlose-toolkit/test-support/bench-report';
import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const OPERATIONS = 2000;
const KILL_AFTER = 900;
const MONEY_METHODS = ['gift-product', 'transfer-money'];

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  const config = defaultConfig();
  emulator = await startEmulator({
    faultSeed: 20261122,
    config: {
      ...config,
      users: (config.users ?? []).map((user) =>
        user.login === 'reseller' ? { ...user, balance: 10_000_000 } : user,
      ),
      settings: { callLogLimit: 1_000_000 },
    },
  });
  // About a quarter of money requests fail, each way a network can fail a client.
  for (const kind of ['drop-after-apply', 'error5xx', 'reset'] as const) {
    emulator.addFault({ method: '*', kind, probability: 0.07 });
  }
  emulator.addFault({ method: '*', kind: 'delay', delayMs: 1500, probability: 0.07 });
  dir = mkdtempSync(join(tmpdir(), 'neverlose-exactly-once-'));
});

afterAll(async () => {
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Line {
  key?: string;
  id?: string;
  status?: string;
  summary?: Record<string, number>;
}

/** Runs the worker; resolves with its output lines, killing it with SIGKILL after `killAfter` results. */
function runWorker(
  args: string[],
  killAfter?: number,
): Promise<{ lines: Line[]; killed: boolean }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(import.meta.dirname, 'money-client.mjs'), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: Line[] = [];
  let killed = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line) as Line);
    if (killAfter !== undefined && !killed && lines.filter((l) => l.key).length >= killAfter) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', () => resolve({ lines, killed }));
  });
}

describe(`${OPERATIONS} money operations under faults, with a hard kill midway`, () => {
  it('applies every operation exactly once, as the emulator’s ledger shows', async () => {
    const marketUrl = `${emulator.url}/api/market`;
    const journal = join(dir, 'journal.db');

    const first = await runWorker([marketUrl, journal, String(OPERATIONS), '8'], KILL_AFTER);
    expect(first.killed).toBe(true);
    const second = await runWorker([marketUrl, journal, String(OPERATIONS), '8', '--resume']);
    const summary = second.lines.find((line) => line.summary)?.summary;
    expect(summary).toBeDefined();

    // Every operation ends completed (now or before the crash): none failed, none lost.
    const finals = new Map(second.lines.filter((l) => l.key).map((l) => [l.key!, l]));
    expect(finals.size).toBe(OPERATIONS);
    for (const line of finals.values())
      expect(['completed', 'already-completed']).toContain(line.status);

    // The ledger: each operation's request id applied once; nothing else applied.
    const applied = new Map<string, number>();
    for (const entry of emulator.ledger()) {
      if (!MONEY_METHODS.includes(entry.method) || entry.requestId === null) continue;
      applied.set(entry.requestId, (applied.get(entry.requestId) ?? 0) + 1);
    }
    const ids = [...finals.values()].map((line) => String(line.id));
    const twice = ids.filter((id) => (applied.get(id) ?? 0) > 1);
    const lost = ids.filter((id) => !applied.has(id));
    const stray = [...applied.keys()].filter((id) => !ids.includes(id));
    expect({ twice, lost, stray }).toEqual({ twice: [], lost: [], stray: [] });

    // The faults really happened, on at least a fifth of the money requests.
    const requests = emulator.calls.filter(
      (call) => call.marketMethod && MONEY_METHODS.includes(call.marketMethod),
    ).length;
    const faulted = emulator.faults().reduce((sum, rule) => sum + rule.fired, 0);
    expect(faulted / requests).toBeGreaterThanOrEqual(0.2);

    // `pnpm bench` asks for the figures; a plain test run leaves bench/results alone.
    if (process.env['NEVERLOSE_WRITE_BENCH'] !== '1') return;
    const byKind = Object.fromEntries(emulator.faults().map((rule) => [rule.kind, rule.fired]));
    writeSuite('exactly-once', {
      command: 'pnpm bench exactly-once (runs test/faults/exactly-once.test.ts)',
      figures: [
        { name: 'money operations', value: OPERATIONS, unit: '' },
        { name: 'money requests received', value: requests, unit: '' },
        {
          name: 'requests faulted',
          value: faulted,
          unit: '',
          note: `${((100 * faulted) / requests).toFixed(1)}%: ${JSON.stringify(byKind)}`,
        },
        { name: 'client killed (SIGKILL) after results', value: KILL_AFTER, unit: '' },
        { name: 'resumed by resumePending()', value: summary!['resumed']!, unit: '' },
        {
          name: 'answered "Invalid id." on a retry (already completed)',
          value: summary!['alreadyCompleted']!,
          unit: '',
        },
        { name: 'applied twice', value: twice.length, unit: '' },
        { name: 'lost', value: lost.length, unit: '' },
      ],
      goals: [
        {
          name: 'operations applied exactly once',
          value: (OPERATIONS - twice.length - lost.length) / OPERATIONS,
          target: 1,
          met: twice.length + lost.length === 0,
        },
      ],
    });
  }, 600_000);
});

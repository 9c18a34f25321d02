import {
  type HostileCase,
  type HostileRoute,
  hostileCases,
  malformedTargetCases,
} from './inputs.js';
import type { Supervised } from './process.js';
import { type Outcome, sendRaw } from './wire.js';

/** A case whose outcome breaks the rules: a 5xx, no answer, or the process dying. */
export interface Finding {
  readonly case: string;
  readonly outcome: string;
}

function describe(outcome: Outcome): string {
  return outcome.kind === 'answered'
    ? `${outcome.status} ${outcome.head.split('\r\n')[0]}`
    : outcome.kind;
}

/**
 * The rules: an answer below 500 or a closed connection. A whole request must be answered or
 * closed in time; an aborted or slow body may end with the harness cutting the connection.
 */
function broken(item: HostileCase, outcome: Outcome): boolean {
  if (outcome.kind === 'answered') return outcome.status < 100 || outcome.status >= 500;
  if (item.name.endsWith(' benign')) return true;
  if (outcome.kind === 'no-answer') return true;
  return outcome.kind === 'cut' && (item.request.mode ?? 'whole') === 'whole';
}

const HEALTH = { method: 'GET', target: '/', headers: [] } as const;

/** How a route's cases are picked: by default all of them. */
export type CaseFilter = (item: HostileCase) => boolean;

/**
 * Sends every hostile case of some routes to a supervised server: slow bodies all at once (each
 * stops by itself), the rest one by one. A process that died is restarted, and its death is a
 * finding.
 *
 * @returns the findings, each naming its route and case; empty when every route held.
 */
export async function attack(
  target: Supervised,
  routes: readonly HostileRoute[],
  filter: CaseFilter = () => true,
): Promise<Finding[]> {
  await target.ensureRunning();
  const findings: Finding[] = [];
  const cases = [
    ...malformedTargetCases(),
    ...routes.flatMap((route) =>
      hostileCases(route).map((item) => ({
        ...item,
        name: `${route.method} ${route.path} ${item.name}`,
      })),
    ),
  ].filter(filter);
  const exited = (name: string) => {
    const exit = target.exits.at(-1);
    findings.push({
      case: name,
      outcome: `the process exited (${exit?.signal ?? exit?.code ?? 'dying'})\n${exit?.stderr ?? ''}`,
    });
  };
  const check = (item: HostileCase, outcome: Outcome) => {
    if (broken(item, outcome)) findings.push({ case: item.name, outcome: describe(outcome) });
  };
  const slow = cases.filter((item) => item.request.mode === 'slow');
  const slowOutcomes = Promise.all(slow.map((item) => sendRaw(target.url, item.request)));
  for (const item of cases.filter((c) => c.request.mode !== 'slow')) {
    const before = target.exits.length;
    const outcome = await sendRaw(target.url, item.request);
    check(item, outcome);
    // No answer may mean the process died on this case: a server that is up answers GET /.
    if (outcome.kind !== 'answered' && (await sendRaw(target.url, HEALTH)).kind !== 'answered')
      await target.waitForExit(2000);
    if (target.exits.length > before || !target.alive) {
      exited(item.name);
      await target.ensureRunning();
    }
  }
  const before = target.exits.length;
  for (const [i, outcome] of (await slowOutcomes).entries()) check(slow[i] as HostileCase, outcome);
  // A crash after the last answer (a body read later) still shows: the server must answer.
  const after = await sendRaw(target.url, HEALTH);
  if (after.kind !== 'answered') await target.waitForExit(2000);
  if (after.kind !== 'answered' || after.status >= 500 || target.exits.length > before) {
    findings.push({ case: 'GET / after the attack', outcome: describe(after) });
    if (target.exits.length > before || !target.alive) exited('slow bodies or a late failure');
  }
  await target.ensureRunning();
  return findings;
}

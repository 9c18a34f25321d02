import { USER } from '@neverlose-toolkit/test-support/hostile-provider';
import type { JourneyRecord } from './journey.js';
import type { Expectation } from './modules.js';

/** What a module observed on one surface. */
export type Observation =
  | {
      readonly kind: 'journey';
      readonly journey: JourneyRecord;
      /** Who the app says is signed in afterwards. */
      readonly signedInAs: string | undefined;
      /** The app's process died during the module (the end of its stderr), or `undefined`. */
      readonly died: string | undefined;
    }
  /** The app refused to start against this provider (the end of its stderr). */
  | { readonly kind: 'refused at start'; readonly stderr: string }
  /** The module could not get to what it tests (its friendly first login failed...). */
  | { readonly kind: 'broken'; readonly why: string };

/** One cell of the table. */
export interface Cell {
  readonly pass: boolean;
  /** A few words: the answer that passed (`400`, `signed in`) or what failed (`500`). */
  readonly label: string;
  /** For a failure: what was seen, in full (the test's message). */
  readonly detail: string;
}

/** Statuses an app may answer a refused login with: a 4xx, or a deliberate 502/503 page. */
function acceptableStatus(status: number): boolean {
  return status < 500 || status === 502 || status === 503;
}

/** What a visitor must never see on a page: a stack trace or an internal error class. */
const INTERNALS = /\bat .+:\d+:\d+|TypeError|ReferenceError|NeverloseOidcError/;

function describeHops(journey: JourneyRecord): string {
  const hops = journey.hops.map((hop) => `${hop.status} ${hop.url}`).join('\n  ');
  return `hops:\n  ${hops || '(none)'}${journey.failed ? `\nfailed: ${journey.failed}` : ''}\npage: ${journey.text.replace(/\s+/g, ' ').slice(0, 300)}`;
}

/** Where a verdict is made: the origins the browser may visit, and the app's callback. */
export interface VerdictContext {
  /** The app's origin and the provider's. */
  readonly origins: readonly string[];
  readonly callbackPath: string;
  /** How long the journey was given. */
  readonly deadlineMs: number;
}

/**
 * How the app answered: its callback's status, then the page it redirected to (`302 → 400`), or
 * the last page when the journey never reached the callback.
 */
function answerOf(journey: JourneyRecord, callbackPath: string): string {
  const last = journey.hops.at(-1);
  if (last === undefined) return 'no page';
  const callback = journey.hops.find((hop) => new URL(hop.url).pathname === callbackPath);
  if (callback === undefined || callback === last) return String(last.status);
  return `${callback.status} → ${last.status}`;
}

/** The verdict of one module on one surface (see {@link Expectation} for the rules). */
export function verdict(
  expected: Expectation,
  observation: Observation,
  { origins, callbackPath, deadlineMs }: VerdictContext,
): Cell {
  if (observation.kind === 'broken') {
    return { pass: false, label: 'not run', detail: observation.why };
  }
  if (observation.kind === 'refused at start') {
    // A configuration the app will not start with signs nobody in: a refusal, for a module about
    // what the provider announces. A friendly module must start.
    return expected === 'signs in'
      ? { pass: false, label: 'did not start', detail: observation.stderr }
      : { pass: true, label: 'refused at start', detail: observation.stderr };
  }
  const { journey, signedInAs, died } = observation;
  const detail = describeHops(journey);
  const fail = (label: string, why: string): Cell => ({
    pass: false,
    label,
    detail: `${why}\n${detail}`,
  });
  if (died !== undefined) return fail('process died', `the app's process exited:\n${died}`);
  const left = journey.left[0];
  if (left !== undefined) {
    // The host without its port: a cell reads the same from one run to the next.
    return fail(`sent to ${new URL(left).hostname}`, `the browser was sent to ${left}`);
  }
  const foreign = journey.hops.find((hop) => !origins.includes(new URL(hop.url).origin));
  if (foreign !== undefined) {
    return fail(
      `sent to ${new URL(foreign.url).hostname}`,
      `the browser was sent to ${foreign.url}`,
    );
  }
  const bad = journey.hops.find((hop) => !acceptableStatus(hop.status));
  if (bad !== undefined) return fail(String(bad.status), `${bad.url} answered ${bad.status}`);
  if (journey.timedOut) {
    return fail(`no answer in ${deadlineMs / 1000} s`, 'the journey did not end in time');
  }
  if (journey.failed !== undefined) return fail('no answer', 'a page got no answer');
  if (INTERNALS.test(journey.text)) return fail('shows internals', 'the page shows internals');
  const status = answerOf(journey, callbackPath);
  switch (expected) {
    case 'signs in':
      return signedInAs === USER.preferred_username
        ? { pass: true, label: 'signed in', detail }
        : fail(`not signed in (${status})`, `signed in as ${signedInAs ?? 'nobody'}`);
    case 'refuses':
      return signedInAs === undefined
        ? { pass: true, label: `refused ${status}`, detail }
        : fail('signed in', `signed in as ${signedInAs}`);
    case 'stays':
      return {
        pass: true,
        label: signedInAs === undefined ? `refused ${status}` : 'signed in, stayed',
        detail,
      };
  }
}

import { EmulatorError } from '../errors.js';

/**
 * Kinds of injected faults.
 *
 * - `delay`: wait `delayMs`, then handle the request normally.
 * - `error5xx`: answer `status` (default 503) without handling the request (market calls get the
 *   docs' failure shape).
 * - `reset`: destroy the connection without handling the request.
 * - `drop-after-apply`: handle the request (a market action is applied), then destroy the
 *   connection instead of sending the reply.
 */
export type FaultKind = 'delay' | 'error5xx' | 'reset' | 'drop-after-apply';

const KINDS: readonly FaultKind[] = ['delay', 'error5xx', 'reset', 'drop-after-apply'];

/** A fault to inject. With neither `method` nor `path` it targets every market API call. */
export interface FaultSpec {
  /** A market method name (`gift-product`...) or `*` for every market method. */
  readonly method?: string;
  /** A path prefix (`/token`, `/oauth/`), for requests outside the market API. */
  readonly path?: string;
  readonly kind: FaultKind;
  /** Fire for this many matching requests, then retire. @defaultValue unlimited */
  readonly count?: number;
  /** Fire for each matching request with this probability (seeded PRNG). @defaultValue `1` */
  readonly probability?: number;
  /** Delay of a `delay` fault. @defaultValue `1000` */
  readonly delayMs?: number;
  /** Status of an `error5xx` fault, 500 to 599. @defaultValue `503` */
  readonly status?: number;
}

/** An installed fault. */
export interface FaultRule {
  readonly id: number;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly kind: FaultKind;
  readonly probability: number;
  readonly delayMs: number;
  readonly status: number;
  /** Firings left; `null` for unlimited. */
  remaining: number | null;
  /** Times it fired. */
  fired: number;
}

/** What a request is, for matching faults. */
export interface FaultTarget {
  readonly path: string;
  readonly marketMethod?: string | undefined;
}

/** mulberry32: small, fast and deterministic for a given seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function invalid(message: string): never {
  throw new EmulatorError('ERR_INVALID_ARGUMENT', message);
}

/** Holds fault rules and decides, request by request, which one fires. */
export class FaultInjector {
  private rules: FaultRule[] = [];
  private nextId = 1;
  private random: () => number;
  private seedValue: number;

  constructor(seed = 1) {
    this.seedValue = seed;
    this.random = mulberry32(seed);
  }

  /** The PRNG seed (probability-based faults are reproducible for a given seed). */
  get seed(): number {
    return this.seedValue;
  }

  /** Restarts the PRNG from a seed. */
  setSeed(seed: number): void {
    if (!Number.isSafeInteger(seed)) invalid('seed must be an integer.');
    this.seedValue = seed;
    this.random = mulberry32(seed);
  }

  /**
   * Installs a fault.
   * @throws {EmulatorError} `ERR_INVALID_ARGUMENT` naming the field and the rule.
   */
  add(spec: unknown): FaultRule {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
      invalid('A fault must be an object.');
    const s = spec as Record<string, unknown>;
    const kind = s['kind'];
    if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
      invalid(`kind must be one of ${KINDS.join(', ')}.`);
    }
    const optional = <T>(
      key: string,
      check: (v: unknown) => v is T,
      rule: string,
    ): T | undefined => {
      const v = s[key];
      if (v === undefined) return undefined;
      if (!check(v)) invalid(`${key} ${rule}.`);
      return v;
    };
    const isString = (v: unknown): v is string =>
      typeof v === 'string' && v.length > 0 && v.length <= 200;
    const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;
    const isProbability = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
    const isDelay = (v: unknown): v is number =>
      Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 600_000;
    const isStatus = (v: unknown): v is number =>
      Number.isSafeInteger(v) && (v as number) >= 500 && (v as number) <= 599;
    const method = optional('method', isString, 'must be a market method name or "*"');
    const path = optional(
      'path',
      (v): v is string => isString(v) && v.startsWith('/'),
      'must be a path starting with "/"',
    );
    if (path?.startsWith('/admin')) invalid('path must not target the admin API.');
    const rule: FaultRule = {
      id: this.nextId++,
      method,
      path,
      kind: kind as FaultKind,
      remaining: optional('count', isCount, 'must be an integer >= 1') ?? null,
      probability: optional('probability', isProbability, 'must be a number from 0 to 1') ?? 1,
      delayMs: optional('delayMs', isDelay, 'must be an integer from 0 to 600000') ?? 1000,
      status: optional('status', isStatus, 'must be an integer from 500 to 599') ?? 503,
      fired: 0,
    };
    this.rules.push(rule);
    return rule;
  }

  /** Installed rules, retired ones included (with `remaining: 0`). */
  list(): readonly FaultRule[] {
    return this.rules;
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule that matches and fires for this request, with its count consumed. */
  take(target: FaultTarget): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.remaining === 0 || !matches(rule, target)) continue;
      if (rule.probability < 1 && this.random() >= rule.probability) continue;
      if (rule.remaining !== null) rule.remaining -= 1;
      rule.fired += 1;
      return rule;
    }
    return undefined;
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.method !== undefined) {
    if (target.marketMethod === undefined) return false;
    if (rule.method !== '*' && rule.method !== target.marketMethod) return false;
  }
  if (rule.path !== undefined && !target.path.startsWith(rule.path)) return false;
  if (rule.method === undefined && rule.path === undefined)
    return target.marketMethod !== undefined;
  return true;
}

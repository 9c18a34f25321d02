import {
  type IdJournal,
  type JournalCompletion,
  type JournalEntry,
  JournalError,
  type JournalFailure,
  type JournalRef,
  type JournalState,
  type NewJournalEntry,
} from 'neverlose-market';
import { DEFAULT_TIMEOUT_MS, type RedisAdapterOptions, type RedisClient } from '../client.js';
import type { Deadline } from '../deadline.js';
import { NeverloseRedisError } from '../errors.js';
import { positiveInteger } from '../options.js';
import { shardOf } from '../shard.js';
import { RedisStoreCore } from '../store-core.js';

/** Options of {@link RedisIdJournal}. */
export interface RedisIdJournalOptions extends RedisAdapterOptions {
  /**
   * Before `begin` lets a request leave, wait until this many replicas have the entry (Redis's
   * `WAIT`), so that a failover which promotes one of them cannot forget an operation whose
   * request was sent (and then send it again under a new id). When fewer replicas answer within
   * `timeoutMs`, `begin` throws `ERR_REDIS_NOT_REPLICATED` and nothing is sent: the operation is
   * refused rather than risked, and a later call with the same key resumes it with its id.
   *
   * Pass the client itself (node-redis `createClient()` or `createCluster()`, ioredis `Redis` or
   * `Cluster`), not a pool: `WAIT` counts the writes of its own connection. `timeoutMs` must be
   * shorter than the adapter's `timeoutMs`, which bounds the whole call.
   *
   * @defaultValue off: a `begin` acknowledged by the master alone lets the request leave
   * @example `{ waitForReplicas: { count: 1, timeoutMs: 500 } }`
   * @see https://redis.io/docs/latest/commands/wait/
   */
  readonly waitForReplicas?: {
    /** Replicas that must have the entry. */
    readonly count: number;
    /** @defaultValue `1000` */
    readonly timeoutMs?: number;
  };
}

/**
 * Shards of the journal: an entry and its listing as pending share one shard (one hash slot), so
 * one script writes both; 16 of them spread the journal over a cluster's masters.
 */
const SHARDS = 16;

// KEYS: the request id's owner. ARGV: member (method:key). Claims the id for the entry unless
// another entry has it; returns the owner.
const RESERVE_SCRIPT = `
local owner = redis.call('GET', KEYS[1])
if owner then return owner end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]`;

// KEYS: the request id's owner. ARGV: member. Gives the id back, if the entry still holds it.
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

// KEYS: entry hash, pending set (one slot). ARGV: key, request id, method, params, fingerprint,
// now, may create (1|0), member. Creates the entry and lists it as pending in one step; an entry
// that exists and is pending is listed again (a write, so a read-only replica refuses it before
// a resend); a settled one is unlisted.
const BEGIN_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('HGET', KEYS[1], 'state') == 'pending' then
    redis.call('ZADD', KEYS[2], 'NX', ARGV[6], ARGV[8])
  else
    redis.call('ZREM', KEYS[2], ARGV[8])
  end
  return {'existing', redis.call('HGETALL', KEYS[1])}
end
if ARGV[7] ~= '1' then return {'absent'} end
redis.call('HSET', KEYS[1], 'key', ARGV[1], 'requestId', ARGV[2], 'method', ARGV[3], 'params', ARGV[4],
  'fingerprint', ARGV[5], 'state', 'pending', 'createdAt', ARGV[6], 'updatedAt', ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[8])
return {'created', redis.call('HGETALL', KEYS[1])}`;

// With waitForReplicas: each key written by `begin` is written again if it still holds what
// `begin` wrote (1), or not (0: a failover lost it), and a WAIT on the same connection follows.
// KEYS: entry hash, pending set. ARGV: request id, now, member. (ZADD of an unchanged member would
// not reach the replicas: the listing is removed and added again.)
const CONFIRM_ENTRY_SCRIPT = `
if redis.call('HGET', KEYS[1], 'requestId') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'checkedAt', ARGV[2])
if redis.call('HGET', KEYS[1], 'state') == 'pending' then
  local score = redis.call('ZSCORE', KEYS[2], ARGV[3]) or ARGV[2]
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('ZADD', KEYS[2], score, ARGV[3])
end
return 1`;
// KEYS: the request id's owner. ARGV: member.
const CONFIRM_OWNER_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

// KEYS: entry hash, pending set. ARGV: state, field, json, now, member. A final state never
// changes; settling unlists the entry in the same step.
const SETTLE_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'missing' end
redis.call('ZREM', KEYS[2], ARGV[5])
if state ~= 'pending' then return 'final' end
redis.call('HSET', KEYS[1], 'state', ARGV[1], ARGV[2], ARGV[3], 'updatedAt', ARGV[4])
return 'ok'`;

/**
 * A `neverlose-market` {@link IdJournal} in Redis, for several instances that fulfil orders from one
 * queue: one business key maps to one request id per method, whichever instance asks, and a
 * completed or failed entry never changes again.
 *
 * Every script touches one hash slot, so the journal works on Redis Cluster and spreads over its
 * masters: an entry and its listing as pending are written together (one of 16 shards, by a hash
 * of the method and key), so a failover keeps both or neither and never leaves a pending entry that
 * `pending()` cannot find; a request id's owner is one key of its own, claimed before the entry is
 * created (so no two entries can ever send one id).
 *
 * Durability is Redis's: see the README ("Durability") and `waitForReplicas`. Every call ends within
 * `timeoutMs`, with a coded error (`ERR_REDIS_UNAVAILABLE`, `ERR_REDIS_TIMEOUT`,
 * `ERR_REDIS_READ_ONLY`...), and a replica refuses `begin` before anything is sent.
 *
 * @example
 * ```ts
 * const market = new MarketClient({ userId, secret, journal: new RedisIdJournal(redis) });
 * ```
 */
export class RedisIdJournal implements IdJournal {
  readonly #core: RedisStoreCore;
  readonly #replicas: { readonly count: number; readonly timeoutMs: number } | undefined;

  constructor(client: RedisClient, options: RedisIdJournalOptions = {}) {
    this.#core = new RedisStoreCore(client, options, 'journal:');
    const wait = options.waitForReplicas;
    this.#replicas =
      wait === undefined
        ? undefined
        : {
            count: positiveInteger('waitForReplicas.count', wait?.count),
            timeoutMs: positiveInteger('waitForReplicas.timeoutMs', wait?.timeoutMs ?? 1000),
          };
    const limit = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (this.#replicas !== undefined && this.#replicas.timeoutMs >= limit) {
      throw new NeverloseRedisError(
        'ERR_INVALID_OPTION',
        `Invalid option "waitForReplicas.timeoutMs": ${this.#replicas.timeoutMs} ms leaves no time within "timeoutMs" (${limit} ms) for the call itself; make it shorter.`,
      );
    }
  }

  async begin(entry: NewJournalEntry): Promise<{ created: boolean; entry: JournalEntry }> {
    const deadline = this.#core.commands.deadline();
    const member = memberOf(entry);
    const { entry: entryKey, pending: pendingKey } = this.#keys(entry);
    const ownerKey = `${this.#core.keyPrefix}id:${entry.requestId}`;
    const now = Date.now();
    const owner = await this.#core.eval(RESERVE_SCRIPT, [ownerKey], [member], deadline);
    const mayCreate = String(owner) === member;
    const reply = (await this.#core.eval(
      BEGIN_SCRIPT,
      [entryKey, pendingKey],
      [
        entry.key,
        entry.requestId,
        entry.method,
        entry.params,
        entry.fingerprint,
        now,
        mayCreate ? 1 : 0,
        member,
      ],
      deadline,
    )) as [string, unknown?];
    if (reply[0] === 'absent') {
      const [method, ...key] = String(owner).split(':');
      throw JournalError.idReused(entry.requestId, { method, key: key.join(':') });
    }
    const found = toEntry(reply[1]);
    // The entry already existed with another id: this id was never used, give it back.
    if (mayCreate && found.requestId !== entry.requestId)
      await this.#core.eval(RELEASE_SCRIPT, [ownerKey], [member], deadline);
    if (found.state === 'pending') {
      const confirm: [string[], string, string][] = [
        [[entryKey, pendingKey], CONFIRM_ENTRY_SCRIPT, found.requestId],
      ];
      if (reply[0] === 'created') confirm.push([[ownerKey], CONFIRM_OWNER_SCRIPT, member]);
      await this.#replicated(entry, member, confirm, now, deadline);
    }
    return { created: reply[0] === 'created', entry: found };
  }

  async complete(ref: JournalRef, completion: JournalCompletion): Promise<void> {
    await this.#settle(ref, 'completed', 'completion', completion);
  }

  async fail(ref: JournalRef, failure: JournalFailure): Promise<void> {
    await this.#settle(ref, 'failed', 'failure', failure);
  }

  async get(ref: JournalRef): Promise<JournalEntry | undefined> {
    const { entry } = this.#keys(ref);
    const fields = toRecord(await this.#core.commands.send(entry, ['HGETALL', entry], true));
    return Object.keys(fields).length === 0 ? undefined : toEntry(fields);
  }

  /**
   * Every pending operation, oldest first: reads the 16 pending sets, then each listed entry (in
   * the same slot). Each read has a deadline of its own, so a long backlog is read to its end.
   */
  async pending(): Promise<JournalEntry[]> {
    const found = await Promise.all(
      Array.from({ length: SHARDS }, async (_, n) => {
        const shard = this.#shard(n);
        const members = await this.#core.commands.send(
          shard.pending,
          ['ZRANGE', shard.pending, '0', '-1'],
          true,
        );
        return Promise.all(
          (members as unknown[]).map(async (member) => {
            const key = shard.entry(String(member));
            const fields = toRecord(await this.#core.commands.send(key, ['HGETALL', key], true));
            return fields['state'] === 'pending' ? toEntry(fields) : undefined;
          }),
        );
      }),
    );
    return found
      .flat()
      .filter((entry) => entry !== undefined)
      .sort((a, b) => a.createdAt - b.createdAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async #settle(
    ref: JournalRef,
    state: JournalState,
    field: string,
    value: unknown,
  ): Promise<void> {
    const { entry, pending } = this.#keys(ref);
    const reply = await this.#core.eval(
      SETTLE_SCRIPT,
      [entry, pending],
      [state, field, JSON.stringify(value), Date.now(), memberOf(ref)],
    );
    if (reply === 'missing') {
      throw JournalError.unknownKey(ref);
    }
  }

  /**
   * With `waitForReplicas`: for each key `begin` wrote, writes it again on the node serving it now
   * (if it still holds what was written) and WAITs on that connection, so the WAIT covers it even
   * if a failover moved the key since.
   */
  async #replicated(
    entry: JournalRef,
    member: string,
    confirm: [string[], string, string][],
    now: number,
    deadline: Deadline,
  ): Promise<void> {
    const replicas = this.#replicas;
    if (!replicas) return;
    const results = await Promise.all(
      confirm.map(([keys, script, value]) =>
        this.#core.commands.writeThenWait(
          keys[0]!,
          ['EVAL', script, String(keys.length), ...keys, value, String(now), member],
          replicas.count,
          replicas.timeoutMs,
          deadline,
        ),
      ),
    );
    const what = `The journal entry of the ${entry.method} of key ${JSON.stringify(entry.key)}`;
    if (results.some(([held]) => Number(held) !== 1)) {
      throw new NeverloseRedisError(
        'ERR_REDIS_NOT_REPLICATED',
        `${what} was lost before it was replicated (a failover); nothing was sent. A later call with the same key begins it again.`,
      );
    }
    const least = Math.min(...results.map(([, acked]) => acked));
    if (least < replicas.count) {
      throw new NeverloseRedisError(
        'ERR_REDIS_NOT_REPLICATED',
        `${what} reached ${least} of ${replicas.count} replicas within ${replicas.timeoutMs} ms; nothing was sent. A later call with the same key resumes it.`,
      );
    }
  }

  /** The entry's hash and the pending set of its shard. */
  #keys(ref: JournalRef): { entry: string; pending: string } {
    const shard = this.#shard(shardOf(memberOf(ref), SHARDS));
    return { entry: shard.entry(memberOf(ref)), pending: shard.pending };
  }

  #shard(n: number): { pending: string; entry(member: string): string } {
    const tag = `${this.#core.keyPrefix}{journal:${n}}`;
    return { pending: `${tag}pending`, entry: (member) => `${tag}entry:${member}` };
  }
}

/** An entry's name in its shard: the method (which holds no `:`) and the key. */
function memberOf(ref: JournalRef): string {
  return `${String(ref?.method)}:${String(ref?.key)}`;
}

/** HGETALL answers a flat array (RESP2) or a map (RESP3, and ioredis). */
function toRecord(reply: unknown): Record<string, string> {
  if (Array.isArray(reply)) {
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
    return out;
  }
  if (reply instanceof Map)
    return Object.fromEntries([...reply].map(([k, v]) => [String(k), String(v)]));
  if (reply !== null && typeof reply === 'object') return reply as Record<string, string>;
  throw new NeverloseRedisError(
    'ERR_REDIS_UNEXPECTED_REPLY',
    'HGETALL answered neither an array nor a map.',
  );
}

function toEntry(reply: unknown): JournalEntry {
  const f = toRecord(reply);
  const state = f['state'];
  if (state !== 'pending' && state !== 'completed' && state !== 'failed') {
    throw new NeverloseRedisError(
      'ERR_REDIS_UNEXPECTED_REPLY',
      `Journal entry ${f['key']} has no valid state.`,
    );
  }
  return {
    key: f['key']!,
    requestId: f['requestId']!,
    method: f['method']!,
    params: f['params']!,
    fingerprint: f['fingerprint']!,
    state,
    createdAt: Number(f['createdAt']),
    updatedAt: Number(f['updatedAt']),
    ...(f['completion'] ? { completion: JSON.parse(f['completion']) as JournalCompletion } : {}),
    ...(f['failure'] ? { failure: JSON.parse(f['failure']) as JournalFailure } : {}),
  };
}

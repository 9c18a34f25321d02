import {
  type IdJournal,
  type JournalCompletion,
  type JournalEntry,
  JournalError,
  type JournalFailure,
  type JournalState,
  type NewJournalEntry,
} from 'neverlose-market';
import {
  type Commands,
  evalScript,
  type RedisAdapterOptions,
  type RedisClient,
  toCommands,
} from '../client.js';
import { NeverloseRedisError, positiveInteger, prefixOption } from '../errors.js';
import { shardOf } from '../shard.js';

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
   * `Cluster`), not a pool: `WAIT` counts the writes of its own connection.
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

/** Shards of the pending index: every begin and settle touches one, so they spread over a cluster. */
const PENDING_SHARDS = 16;

// KEYS: the request id's owner. ARGV: key. Claims the id for the key unless another key has it;
// returns the owner.
const RESERVE_SCRIPT = `
local owner = redis.call('GET', KEYS[1])
if owner then return owner end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]`;

// KEYS: the request id's owner. ARGV: key. Gives the id back, if the key still holds it.
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

// KEYS: entry hash. ARGV: key, request id, method, params, fingerprint, now, may create (1|0).
// Insert-if-absent of the entry.
const BEGIN_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {'existing', redis.call('HGETALL', KEYS[1])} end
if ARGV[7] ~= '1' then return {'absent'} end
redis.call('HSET', KEYS[1], 'key', ARGV[1], 'requestId', ARGV[2], 'method', ARGV[3], 'params', ARGV[4],
  'fingerprint', ARGV[5], 'state', 'pending', 'createdAt', ARGV[6], 'updatedAt', ARGV[6])
return {'created', redis.call('HGETALL', KEYS[1])}`;

// With waitForReplicas: each key written by `begin` is written again if it still holds what
// `begin` wrote (1), or not (0: a failover lost it), and a WAIT on the same connection follows.
// KEYS: entry hash. ARGV: request id, now.
const CONFIRM_ENTRY_SCRIPT = `
if redis.call('HGET', KEYS[1], 'requestId') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'checkedAt', ARGV[2])
return 1`;
// KEYS: the request id's owner. ARGV: key.
const CONFIRM_OWNER_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;
// KEYS: pending set. ARGV: key. (ZADD of an unchanged member would not reach the replicas.)
const CONFIRM_LISTING_SCRIPT = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], score, ARGV[1])
return 1`;

// KEYS: entry hash. ARGV: state, field, json, now. A final state never changes.
const SETTLE_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'missing' end
if state ~= 'pending' then return 'final' end
redis.call('HSET', KEYS[1], 'state', ARGV[1], ARGV[2], ARGV[3], 'updatedAt', ARGV[4])
return 'ok'`;

/**
 * A `neverlose-market` {@link IdJournal} in Redis, for several instances that fulfil orders from one
 * queue: one business key maps to one request id, whichever instance asks, and a completed or
 * failed entry never changes again.
 *
 * Every script touches one key, so the journal works on Redis Cluster and spreads over its
 * masters: an entry is one hash; a request id's owner is one key, claimed before the entry is
 * created (so no two keys can ever send one id); the pending list is 16 sorted sets, each key
 * listed in one of them before its entry is created and removed after it is settled (so a crash
 * between two steps leaves a stale listing, never an unlisted pending entry).
 *
 * Durability is Redis's: see the README ("Durability") and `waitForReplicas`.
 *
 * @example
 * ```ts
 * const market = new MarketClient({ userId, secret, journal: new RedisIdJournal(redis) });
 * ```
 */
export class RedisIdJournal implements IdJournal {
  readonly #commands: Commands;
  readonly #base: string;
  readonly #replicas: { readonly count: number; readonly timeoutMs: number } | undefined;

  constructor(client: RedisClient, options: RedisIdJournalOptions = {}) {
    this.#base = `${prefixOption(options.prefix)}journal:`;
    const wait = options.waitForReplicas;
    this.#replicas =
      wait === undefined
        ? undefined
        : {
            count: positiveInteger('waitForReplicas.count', wait?.count),
            timeoutMs: positiveInteger('waitForReplicas.timeoutMs', wait?.timeoutMs ?? 1000),
          };
    this.#commands = toCommands(client);
  }

  async begin(entry: NewJournalEntry): Promise<{ created: boolean; entry: JournalEntry }> {
    const entryKey = this.#entryKey(entry.key);
    const ownerKey = `${this.#base}id:${entry.requestId}`;
    const pendingKey = this.#pendingKey(entry.key);
    const now = Date.now();
    // Listed first, then the entry: a crash in between leaves a listing without an entry (skipped
    // by `pending()`), never a pending entry that `resumePending()` cannot find.
    const [owner] = await Promise.all([
      evalScript(this.#commands, RESERVE_SCRIPT, [ownerKey], [entry.key]),
      this.#commands.send(pendingKey, ['ZADD', pendingKey, 'NX', String(now), entry.key]),
    ]);
    const mayCreate = String(owner) === entry.key;
    const reply = (await evalScript(
      this.#commands,
      BEGIN_SCRIPT,
      [entryKey],
      [
        entry.key,
        entry.requestId,
        entry.method,
        entry.params,
        entry.fingerprint,
        now,
        mayCreate ? 1 : 0,
      ],
    )) as [string, unknown?];
    if (reply[0] === 'absent') {
      throw new JournalError(
        'ERR_JOURNAL_ID_REUSED',
        `Request id ${entry.requestId} already belongs to key ${JSON.stringify(String(owner))}.`,
      );
    }
    const found = toEntry(reply[1]);
    await Promise.all([
      // The key already had an entry with another id: this id was never used, give it back.
      mayCreate && found.requestId !== entry.requestId
        ? evalScript(this.#commands, RELEASE_SCRIPT, [ownerKey], [entry.key])
        : undefined,
      // A settled entry never becomes pending again: its listing, just added, goes.
      found.state === 'pending'
        ? undefined
        : this.#commands.send(pendingKey, ['ZREM', pendingKey, entry.key]),
    ]);
    if (found.state === 'pending') {
      const confirm: [string, string, string][] = [
        [entryKey, CONFIRM_ENTRY_SCRIPT, found.requestId],
      ];
      if (reply[0] === 'created')
        confirm.push(
          [ownerKey, CONFIRM_OWNER_SCRIPT, entry.key],
          [pendingKey, CONFIRM_LISTING_SCRIPT, entry.key],
        );
      await this.#replicated(entry.key, confirm, now);
    }
    return { created: reply[0] === 'created', entry: found };
  }

  async complete(key: string, completion: JournalCompletion): Promise<void> {
    await this.#settle(key, 'completed', 'completion', completion);
  }

  async fail(key: string, failure: JournalFailure): Promise<void> {
    await this.#settle(key, 'failed', 'failure', failure);
  }

  async get(key: string): Promise<JournalEntry | undefined> {
    const entryKey = this.#entryKey(key);
    const fields = toRecord(await this.#commands.send(entryKey, ['HGETALL', entryKey], true));
    return Object.keys(fields).length === 0 ? undefined : toEntry(fields);
  }

  /**
   * Every pending entry, oldest first: reads the 16 pending sets, then each listed entry. Listings
   * of settled entries (a crash after settling) are removed; listings without an entry (a crash
   * in `begin`, or a refused id) are skipped.
   */
  async pending(): Promise<JournalEntry[]> {
    const shards = Array.from({ length: PENDING_SHARDS }, (_, n) => `${this.#base}pending:${n}`);
    const listed = await Promise.all(
      shards.map(async (shard) => {
        const keys = await this.#commands.send(shard, ['ZRANGE', shard, '0', '-1'], true);
        return (keys as unknown[]).map((key) => ({ shard, key: String(key) }));
      }),
    );
    const found = await Promise.all(
      listed.flat().map(async ({ shard, key }) => {
        const entry = await this.get(key);
        if (entry !== undefined && entry.state !== 'pending')
          await this.#commands.send(shard, ['ZREM', shard, key]);
        return entry?.state === 'pending' ? entry : undefined;
      }),
    );
    return found
      .filter((entry) => entry !== undefined)
      .sort((a, b) => a.createdAt - b.createdAt || (a.key < b.key ? -1 : 1));
  }

  async #settle(key: string, state: JournalState, field: string, value: unknown): Promise<void> {
    const reply = await evalScript(
      this.#commands,
      SETTLE_SCRIPT,
      [this.#entryKey(key)],
      [state, field, JSON.stringify(value), Date.now()],
    );
    if (reply === 'missing') {
      throw new JournalError(
        'ERR_JOURNAL_UNKNOWN_KEY',
        `No journal entry for key ${JSON.stringify(key)}.`,
      );
    }
    const pendingKey = this.#pendingKey(key);
    await this.#commands.send(pendingKey, ['ZREM', pendingKey, key]);
  }

  /**
   * With `waitForReplicas`: for each key `begin` wrote, writes it again on the node serving it now
   * (if it still holds what was written) and WAITs on that connection, so the WAIT covers it even
   * if a failover moved the key since.
   */
  async #replicated(key: string, confirm: [string, string, string][], now: number): Promise<void> {
    const replicas = this.#replicas;
    if (!replicas) return;
    const results = await Promise.all(
      confirm.map(([of, script, value]) =>
        this.#commands.writeThenWait(
          of,
          ['EVAL', script, '1', of, value, String(now)],
          replicas.count,
          replicas.timeoutMs,
        ),
      ),
    );
    if (results.some(([held]) => Number(held) !== 1)) {
      throw new NeverloseRedisError(
        'ERR_REDIS_NOT_REPLICATED',
        `The journal entry of key ${JSON.stringify(key)} was lost before it was replicated (a failover); nothing was sent. A later call with the same key begins it again.`,
      );
    }
    const least = Math.min(...results.map(([, acked]) => acked));
    if (least < replicas.count) {
      throw new NeverloseRedisError(
        'ERR_REDIS_NOT_REPLICATED',
        `The journal entry of key ${JSON.stringify(key)} reached ${least} of ${replicas.count} replicas within ${replicas.timeoutMs} ms; nothing was sent. A later call with the same key resumes it.`,
      );
    }
  }

  #entryKey(key: string): string {
    return `${this.#base}key:${key}`;
  }

  #pendingKey(key: string): string {
    return `${this.#base}pending:${shardOf(key, PENDING_SHARDS)}`;
  }
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

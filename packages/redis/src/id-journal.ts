import {
  type IdJournal,
  type JournalCompletion,
  type JournalEntry,
  JournalError,
  type JournalFailure,
  type JournalState,
  type NewJournalEntry,
} from 'neverlose-market';
import { evalScript, type RedisAdapterOptions, type RedisCommandClient } from './command-client.js';
import { NeverloseRedisError, prefixOption } from './errors.js';

// KEYS: entry hash, id owner, pending index. ARGV: key, request id, method, params, fingerprint, now.
// Insert-if-absent of the key, refusing a request id that belongs to another key: one step.
const BEGIN_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {'existing', redis.call('HGETALL', KEYS[1])} end
local owner = redis.call('GET', KEYS[2])
if owner then return {'reused', owner} end
redis.call('HSET', KEYS[1], 'key', ARGV[1], 'requestId', ARGV[2], 'method', ARGV[3], 'params', ARGV[4],
  'fingerprint', ARGV[5], 'state', 'pending', 'createdAt', ARGV[6], 'updatedAt', ARGV[6])
redis.call('SET', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[6], ARGV[1])
return {'created', redis.call('HGETALL', KEYS[1])}`;

// KEYS: entry hash, pending index. ARGV: key, state, field, json, now. A final state never changes.
const SETTLE_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'missing' end
if state ~= 'pending' then return 'final' end
redis.call('HSET', KEYS[1], 'state', ARGV[2], ARGV[3], ARGV[4], 'updatedAt', ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[1])
return 'ok'`;

// KEYS: pending index. ARGV: entry key prefix. Every pending entry, oldest first.
const PENDING_SCRIPT = `
local out = {}
for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  table.insert(out, redis.call('HGETALL', ARGV[1] .. key))
end
return out`;

/**
 * A `neverlose-market` {@link IdJournal} in Redis, for several instances that fulfil orders from one
 * queue. `begin` is one script (insert the key if absent, refuse a request id owned by another key),
 * and a completed or failed entry never changes again.
 *
 * Durability is Redis's: with `appendonly yes` and `appendfsync always` an acknowledged `begin`
 * survives a crash of Redis itself; with the defaults, up to a second of writes can be lost. For a
 * single instance the SQLite journal is the simpler durable choice.
 *
 * @example
 * ```ts
 * const market = new MarketClient({ userId, secret, journal: new RedisIdJournal(redis) });
 * ```
 */
export class RedisIdJournal implements IdJournal {
  readonly #client: RedisCommandClient;
  readonly #base: string;

  constructor(client: RedisCommandClient, options: RedisAdapterOptions = {}) {
    this.#client = client;
    // One hash tag: every journal key lands in the same cluster slot, so scripts may touch several.
    this.#base = `${prefixOption(options.prefix)}{journal}:`;
  }

  async begin(entry: NewJournalEntry): Promise<{ created: boolean; entry: JournalEntry }> {
    const reply = (await evalScript(
      this.#client,
      BEGIN_SCRIPT,
      [this.#entryKey(entry.key), `${this.#base}id:${entry.requestId}`, `${this.#base}pending`],
      [entry.key, entry.requestId, entry.method, entry.params, entry.fingerprint, Date.now()],
    )) as [string, unknown];
    if (reply[0] === 'reused') {
      throw new JournalError(
        'ERR_JOURNAL_ID_REUSED',
        `Request id ${entry.requestId} already belongs to key ${JSON.stringify(reply[1])}.`,
      );
    }
    return { created: reply[0] === 'created', entry: toEntry(reply[1]) };
  }

  async complete(key: string, completion: JournalCompletion): Promise<void> {
    await this.#settle(key, 'completed', 'completion', completion);
  }

  async fail(key: string, failure: JournalFailure): Promise<void> {
    await this.#settle(key, 'failed', 'failure', failure);
  }

  async get(key: string): Promise<JournalEntry | undefined> {
    const reply = await this.#client.sendCommand(['HGETALL', this.#entryKey(key)]);
    const fields = toRecord(reply);
    return Object.keys(fields).length === 0 ? undefined : toEntry(fields);
  }

  async pending(): Promise<JournalEntry[]> {
    const reply = await evalScript(
      this.#client,
      PENDING_SCRIPT,
      [`${this.#base}pending`],
      [`${this.#base}key:`],
    );
    return (reply as unknown[]).map(toEntry);
  }

  async #settle(key: string, state: JournalState, field: string, value: unknown): Promise<void> {
    const reply = await evalScript(
      this.#client,
      SETTLE_SCRIPT,
      [this.#entryKey(key), `${this.#base}pending`],
      [key, state, field, JSON.stringify(value), Date.now()],
    );
    if (reply === 'missing') {
      throw new JournalError(
        'ERR_JOURNAL_UNKNOWN_KEY',
        `No journal entry for key ${JSON.stringify(key)}.`,
      );
    }
  }

  #entryKey(key: string): string {
    return `${this.#base}key:${key}`;
  }
}

/** HGETALL answers a flat array (RESP2) or a map (RESP3). */
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

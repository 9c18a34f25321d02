import { NeverloseOidcError, type SessionRevocationStore } from 'neverlose-oidc';
import type { RedisAdapterOptions, RedisClient } from '../client.js';
import { NeverloseRedisError } from '../errors.js';
import { RedisStoreCore } from '../store-core.js';

/** Options of {@link RedisSessionRevocationStore}. */
export type RedisSessionRevocationStoreOptions = RedisAdapterOptions;

/**
 * Milliseconds a revocation is kept past the session's expiry: an instance whose clock runs up to
 * five minutes late still refuses the session until it sees it expired.
 */
const SKEW_MS = 300_000;

// KEYS: the session's key. ARGV: milliseconds to keep it. Sets the key unless it already lives
// longer: of two sign-outs of one session, the later expiry holds.
const REVOKE_SCRIPT = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1`;

// KEYS: the session's key. Whether it exists, asked of the master.
const EXISTS_SCRIPT = `return redis.call('EXISTS', KEYS[1])`;

/**
 * A `neverlose-oidc` {@link SessionRevocationStore} in Redis, so that a session signed out on one
 * instance no longer opens on any other: give every instance's `neverloseAuth` (neverlose-oidc/hono)
 * one over the same Redis and prefix. Each revoked session is one key that expires on its own a
 * few minutes after the session would have (clocks of instances may disagree), so nothing needs
 * cleaning; on Redis Cluster the keys spread over every master.
 *
 * Every call ends within `timeoutMs` or fails with a coded {@link NeverloseRedisError}: the
 * middleware then answers 503 `ERR_SESSION_STORE`, never opens a session it could not check.
 *
 * @example
 * ```ts
 * app.use(neverloseAuth({ ...options, sessionRevocations: new RedisSessionRevocationStore(redis) }));
 * ```
 */
export class RedisSessionRevocationStore implements SessionRevocationStore {
  readonly #core: RedisStoreCore;

  constructor(client: RedisClient, options: RedisSessionRevocationStoreOptions = {}) {
    this.#core = new RedisStoreCore(client, options, 'oidc-session-revoked:');
  }

  /**
   * Refuses the session `id` on every instance until `expiresAt` (milliseconds since the epoch).
   *
   * @throws {NeverloseRedisError} when Redis fails or does not answer within `timeoutMs`.
   */
  async revoke(id: string, expiresAt: number): Promise<void> {
    const key = this.#key(id);
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
      throw new NeverloseOidcError(
        'ERR_INVALID_ARGUMENT',
        'Invalid argument "expiresAt": must be a finite number of milliseconds since the epoch.',
      );
    }
    const keepMs = Math.max(1, Math.ceil(expiresAt - Date.now())) + SKEW_MS;
    const reply = await this.#core.eval(REVOKE_SCRIPT, [key], [keepMs]);
    if (reply !== 1 && reply !== 1n) {
      throw new NeverloseRedisError(
        'ERR_REDIS_UNEXPECTED_REPLY',
        `The session revocation store's revoke answered ${String(reply)}.`,
      );
    }
  }

  /**
   * True when the session `id` was revoked on any instance.
   *
   * @throws {NeverloseRedisError} when Redis fails or does not answer within `timeoutMs`.
   */
  async isRevoked(id: string, _issuedAt: number): Promise<boolean> {
    const key = this.#key(id);
    // A script, which every client sends to the master (a plain EXISTS may go to a replica under
    // ioredis's scaleReads): a sign-out just written is seen at once.
    const reply = await this.#core.eval(EXISTS_SCRIPT, [key], []);
    return reply === 1 || reply === 1n;
  }

  #key(id: string): string {
    if (typeof id !== 'string' || id === '' || id.length > 512) {
      throw new NeverloseOidcError(
        'ERR_INVALID_ARGUMENT',
        'Invalid argument "id": must be the session id, a non-empty string of at most 512 characters.',
      );
    }
    return this.#core.keyPrefix + id;
  }
}

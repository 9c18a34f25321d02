import { type PostgresQueryable, run } from './client.js';
import { NeverlosePostgresError } from './errors.js';

/**
 * @internal Checks once per adapter, before its first write, that the server keeps what it
 * acknowledges: `synchronous_commit` not `off`, `fsync` on. The answer is remembered; a failed
 * check is tried again on the next write.
 */
export class DurabilityCheck {
  readonly #client: PostgresQueryable;
  readonly #skip: boolean;
  #checked: Promise<void> | undefined;

  constructor(client: PostgresQueryable, skip: boolean | undefined) {
    this.#client = client;
    this.#skip = skip === true;
  }

  ensure(): Promise<void> {
    if (this.#skip) return Promise.resolve();
    this.#checked ??= this.#check().catch((error: unknown) => {
      this.#checked = undefined;
      throw error;
    });
    return this.#checked;
  }

  async #check(): Promise<void> {
    const [row] = await run(
      this.#client,
      "SELECT current_setting('synchronous_commit') AS synchronous_commit, current_setting('fsync') AS fsync",
    );
    const synchronous = String(row?.['synchronous_commit']);
    const fsync = String(row?.['fsync']);
    if (synchronous === 'off' || fsync === 'off') {
      throw new NeverlosePostgresError(
        'ERR_POSTGRES_NOT_DURABLE',
        `The server acknowledges commits it may lose (synchronous_commit = ${synchronous}, fsync = ${fsync}): a lost journal entry is a payment sent twice. Turn both on, or pass dangerouslyAllowNonDurableCommits: true for a throwaway test server.`,
      );
    }
  }
}

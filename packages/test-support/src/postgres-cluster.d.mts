/** Types of postgres-cluster.mjs, for tests and benches written in TypeScript. */
export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  /** The cluster's directory (data, log, socket). */
  readonly dir: string;
  /** Shuts the server down (`fast` by default) and starts it again on the same port. */
  restart(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  /** Stops the server (fast shutdown) and removes its directory. */
  stop(): Promise<void>;
}
export declare function postgresBinDir(): string;
export declare function postgresInstalled(): boolean;
export declare function startPostgresCluster(options?: {
  dir?: string;
  fsync?: boolean;
}): Promise<PostgresCluster>;
export declare function stopPostgresCluster(dir: string): Promise<void>;

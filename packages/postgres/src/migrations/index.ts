import type { TableNames } from '../options.js';

/** One schema change: applied once, in order, recorded in the migrations table. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** The statements, for the given schema and table prefix. */
  sql(t: TableNames): string;
}

/**
 * Every migration, oldest first. Never edit one that shipped: add the next version. Each is
 * plain SQL, so an operator can read it (`neverlose-postgres sql`) or run it with their own tool.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'market journal, webhook dedup, reseller tokens, OIDC transactions',
    sql: (t) => `
-- neverlose-market's id journal: a business key maps to one request id forever.
CREATE TABLE ${t.journal} (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  key text NOT NULL,
  request_id text NOT NULL,
  method text NOT NULL,
  params text NOT NULL,
  fingerprint text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'completed', 'failed')),
  completion jsonb,
  failure jsonb,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT "${t.prefix}market_journal_pkey" PRIMARY KEY (key),
  CONSTRAINT "${t.prefix}market_journal_request_id" UNIQUE (request_id)
);
CREATE INDEX "${t.prefix}market_journal_pending" ON ${t.journal} (seq) WHERE state = 'pending';

-- Webhook events claimed (processing, until the lease ends) or handled (done, for the TTL).
CREATE TABLE ${t.dedup} (
  kind text NOT NULL,
  unique_id bigint NOT NULL,
  state text NOT NULL CHECK (state IN ('processing', 'done')),
  expires_at timestamptz NOT NULL,
  CONSTRAINT "${t.prefix}webhook_dedup_pkey" PRIMARY KEY (kind, unique_id)
);
CREATE INDEX "${t.prefix}webhook_dedup_expires" ON ${t.dedup} (expires_at);

-- Spent reseller checkout tokens, remembered until no verifier accepts them.
CREATE TABLE ${t.tokens} (
  token_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  CONSTRAINT "${t.prefix}reseller_tokens_pkey" PRIMARY KEY (token_id)
);
CREATE INDEX "${t.prefix}reseller_tokens_expires" ON ${t.tokens} (expires_at);

-- Logins in flight, between startAuthorization and the callback, under the SHA-256 of the
-- browser binding (never the binding itself, never the state).
CREATE TABLE ${t.transactions} (
  binding_hash text NOT NULL,
  transaction jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  CONSTRAINT "${t.prefix}oidc_transactions_pkey" PRIMARY KEY (binding_hash)
);
CREATE INDEX "${t.prefix}oidc_transactions_expires" ON ${t.transactions} (expires_at);
CREATE INDEX "${t.prefix}oidc_transactions_created" ON ${t.transactions} (created_at);
`,
  },
  {
    version: 2,
    name: 'market journal: a business key names one operation per method',
    sql: (t) => `
-- One order may have one transfer-money and one gift-product under the same key, as without a
-- journal (the request id of a key is derived from the method and the key).
ALTER TABLE ${t.journal} DROP CONSTRAINT "${t.prefix}market_journal_pkey";
ALTER TABLE ${t.journal} ADD CONSTRAINT "${t.prefix}market_journal_pkey" PRIMARY KEY (key, method);
`,
  },
  {
    version: 3,
    name: 'OIDC session revocations',
    sql: (t) => `
-- Sessions signed out before they expire, refused by every instance until then (and a few
-- minutes after, for instances whose clocks run late).
CREATE TABLE ${t.sessionRevocations} (
  session_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  CONSTRAINT "${t.prefix}oidc_session_revocations_pkey" PRIMARY KEY (session_id)
);
CREATE INDEX "${t.prefix}oidc_session_revocations_expires" ON ${t.sessionRevocations} (expires_at);
`,
  },
];

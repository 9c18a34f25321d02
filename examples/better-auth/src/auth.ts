import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import Database from 'better-sqlite3';
import { neverlose } from 'neverlose-oidc/better-auth';

/** What {@link createAuth} needs. */
export interface AuthConfig {
  readonly baseURL: string;
  readonly secret: string;
  readonly databasePath: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly issuer: string;
  readonly dangerouslyAllowInsecureHttp: boolean;
}

/** better-auth on SQLite with Neverlose as its only sign-in method. */
export function createAuth(config: AuthConfig) {
  const database = new Database(config.databasePath);
  const auth = betterAuth({
    baseURL: config.baseURL,
    secret: config.secret,
    database,
    // Every failed callback (denied, forged, replayed) lands on the app's own page.
    onAPIError: { errorURL: `${config.baseURL}/auth/error` },
    user: {
      // Shown on the profile page, refreshed from Neverlose at every sign-in (overrideUserInfo).
      // better-auth stores from a provider profile only fields a user may also set through
      // update-user (`input`): keep display data here, never what decides access. The Neverlose
      // user id is the account's `accountId`, which only a verified login writes.
      additionalFields: {
        username: { type: 'string', required: false },
        registrationDate: { type: 'string', required: false },
      },
    },
    plugins: [
      neverlose({
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        issuer: config.issuer,
        dangerouslyAllowInsecureHttp: config.dangerouslyAllowInsecureHttp,
        overrideUserInfo: true,
        // The typed Neverlose profile is under `neverlose`.
        mapProfileToUser: ({ neverlose: user }) => ({
          username: user.username,
          registrationDate: user.registrationDate,
        }),
      }),
    ],
    telemetry: { enabled: false },
    // better-auth turns off its Origin and callbackURL checks when NODE_ENV is `test`: this app
    // keeps them on, so that what its tests run is what production runs.
    advanced: { disableOriginCheck: false },
    // better-auth logs the details of a failed callback (its state among them): only the message.
    logger: { log: (level, message) => console.error(`better-auth ${level}: ${message}`) },
  });
  return {
    auth,
    /** Creates the tables better-auth needs (users, sessions, accounts, verifications). */
    async migrate(): Promise<void> {
      const { runMigrations } = await getMigrations(auth.options);
      await runMigrations();
    },
    close: () => database.close(),
  };
}

import express from 'express';
import passport from 'passport';
import {
  LEGACY_ENDPOINTS,
  MemoryTransactionStore,
  type NeverloseAuthenticateOptions,
  NeverloseStrategy,
} from 'passport-neverlose';

const app = express();

// #region readme
// Per login: a fixed returnTo and extra authorization parameters. @types/passport does not know
// these options: type the object with both interfaces instead of passing a literal.
const linkOptions: passport.AuthenticateOptions & NeverloseAuthenticateOptions = {
  returnTo: '/settings',
  authorizationParams: { prompt: 'consent' },
};
app.get('/settings/link-neverlose', passport.authenticate('neverlose', linkOptions));

// For every login: override authorizationParams (here with the April 2025 static endpoints,
// transactions in a store instead of the session, and the request passed to verify).
class ConsentingStrategy extends NeverloseStrategy {
  override authorizationParams(options: NeverloseAuthenticateOptions): Record<string, string> {
    return { ...super.authorizationParams(options), prompt: 'consent' };
  }
}
passport.use(
  new ConsentingStrategy(
    {
      client: {
        clientId: process.env.NEVERLOSE_CLIENT_ID!,
        clientSecret: process.env.NEVERLOSE_CLIENT_SECRET,
        redirectUri: 'https://app.example/auth/neverlose/callback',
        endpoints: LEGACY_ENDPOINTS,
      },
      store: new MemoryTransactionStore(), // one process; a Redis TransactionStore for several
      passReqToCallback: true,
    },
    (req, _accessToken, profile, done) => {
      console.log(`login from ${req.socket.remoteAddress}`);
      findOrCreateUser(profile).then((user) => done(null, user), done);
    },
  ),
);
// #endregion

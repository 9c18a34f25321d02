// Values the README snippets take as given (an app has them from its own code and config).
declare namespace Express {
  // What your app calls a user: req.user, and what verify hands to done().
  interface User {
    id: string;
    name: string;
  }
}
declare function findOrCreateUser(
  profile: import('passport-neverlose').PassportNeverloseProfile,
): Promise<Express.User>;
declare function findUser(id: string): Promise<Express.User | undefined>;

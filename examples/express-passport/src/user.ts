import type { PassportNeverloseProfile } from 'passport-neverlose';

/** What the app keeps about the signed-in user, in the session. Plain JSON. */
export interface AppUser {
  readonly id: string;
  readonly username?: string;
  readonly displayName?: string;
  readonly email?: string;
  readonly avatarUrl?: string;
  readonly registrationDate?: string;
}

/** Keeps only what the pages show: the session stays small, and no token is stored. */
export function toAppUser(profile: PassportNeverloseProfile): AppUser {
  const email = profile.emails?.[0]?.value;
  const avatarUrl = profile.photos?.[0]?.value;
  return {
    id: profile.id,
    ...(profile.username === undefined ? {} : { username: profile.username }),
    ...(profile.displayName === undefined ? {} : { displayName: profile.displayName }),
    ...(email === undefined ? {} : { email }),
    ...(avatarUrl === undefined ? {} : { avatarUrl }),
    ...(profile.registrationDate === undefined
      ? {}
      : { registrationDate: profile.registrationDate }),
  };
}

/** Reads a user back from the session; anything else is treated as signed out. */
export function isAppUser(value: unknown): value is AppUser {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'string'
  );
}

import type { NeverloseSessionUser } from 'neverlose-oidc/next-auth';
import { redirect } from 'next/navigation';
import { getServerSession } from 'next-auth';
import { authOptions } from '../auth';

/** The signed-in Neverlose user, or `undefined`. */
export async function currentUser(): Promise<NeverloseSessionUser | undefined> {
  const session = await getServerSession(authOptions);
  return session?.user?.neverlose;
}

/** The signed-in user; a visitor without a session is sent through the login and back. */
export async function requireUser(path: string): Promise<NeverloseSessionUser> {
  const user = await currentUser();
  if (user === undefined) redirect(`/login?returnTo=${encodeURIComponent(path)}`);
  return user;
}

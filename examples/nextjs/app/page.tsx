import { currentUser } from './session';

export default async function Home({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await currentUser();
  const { loggedOut } = await searchParams;
  return (
    <>
      {loggedOut !== undefined && !user ? <p id="logged-out">You are logged out.</p> : null}
      {user ? (
        <h1>Welcome back, {user.username ?? user.id}</h1>
      ) : (
        <>
          <h1>Login with Neverlose</h1>
          <p>
            Next.js App Router, next-auth and <code>neverlose-oidc/next-auth</code>.
          </p>
        </>
      )}
    </>
  );
}

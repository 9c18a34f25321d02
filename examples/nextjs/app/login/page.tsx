import { isSafeReturnTo } from 'neverlose-oidc';
import { StartSignIn } from '../buttons';

export default async function Login({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { error, returnTo } = await searchParams;
  if (error !== undefined) {
    // next-auth sends every failed callback here (a forged, replayed or expired one).
    return (
      <>
        <h1 id="login-failed">Sign-in did not complete</h1>
        <p>The sign-in link was not valid any more. Start again.</p>
        <p>
          <a className="button" href="/login">
            Start again
          </a>
        </p>
      </>
    );
  }
  return <StartSignIn returnTo={isSafeReturnTo(returnTo) ? returnTo : '/profile'} />;
}

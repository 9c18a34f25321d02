export default function Declined() {
  return (
    <>
      <h1 id="login-declined">You declined to sign in</h1>
      <p>Neverlose did not share your account with this app, so you are not signed in.</p>
    </>
  );
}

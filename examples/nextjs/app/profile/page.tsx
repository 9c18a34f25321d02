import { requireUser } from '../session';

export default async function Profile() {
  const user = await requireUser('/profile');
  const row = (id: string, label: string, value: string | undefined) =>
    value === undefined ? null : (
      <>
        <dt>{label}</dt>
        <dd id={id}>{value}</dd>
      </>
    );
  return (
    <>
      <h1>Your Neverlose profile</h1>
      {user.avatarUrl ? (
        // biome-ignore lint/performance/noImgElement: a remote avatar, no image optimisation wanted
        <img id="profile-avatar" className="avatar" src={user.avatarUrl} alt="" />
      ) : (
        <div id="profile-avatar" className="avatar" />
      )}
      <dl>
        {row('profile-username', 'Username', user.username)}
        {row('profile-email', 'Email', user.email)}
        {row('profile-reg-date', 'Registered', user.registrationDate)}
        {row('profile-id', 'User id', user.id)}
      </dl>
    </>
  );
}

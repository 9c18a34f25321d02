export const STYLE = `
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1b1f2a; background: #f4f6fb; }
  header { display: flex; gap: 1.25rem; align-items: center; padding: 1rem 2rem; background: #fff; border-bottom: 1px solid #dde2ec; }
  header strong { margin-right: auto; }
  header a { color: #4b5563; text-decoration: none; }
  main { max-width: 40rem; margin: 2.5rem auto; padding: 2rem; background: #fff; border: 1px solid #dde2ec; border-radius: 12px; }
  .button { display: inline-block; padding: .6rem 1.1rem; border: 0; border-radius: 8px; background: #111827; color: #fff; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; }
  .secondary { background: #e9edf5; color: #1b1f2a; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1.5rem; }
  dd { margin: 0; }
  .avatar { width: 96px; height: 96px; border-radius: 50%; background: #e9edf5; }
`;

/** The stylesheet, served at `/style.css` (the CSP allows only same-origin styles). */
export const STYLESHEET = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5f6b7a; --line: #dde2ea; --accent: #2f5bea; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f7fb; }
header { display: flex; align-items: center; gap: 1.5rem; padding: 0.9rem 2rem; background: #fff; border-bottom: 1px solid var(--line); }
header .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
header nav { display: flex; gap: 1rem; flex: 1; }
header nav a { color: var(--muted); text-decoration: none; }
header nav a:hover { color: var(--accent); }
header form { margin: 0; }
main { max-width: 44rem; margin: 2.5rem auto; padding: 0 1.5rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 1.75rem 2rem; }
h1 { margin-top: 0; font-size: 1.6rem; }
.muted { color: var(--muted); }
.button { display: inline-block; border: 0; border-radius: 8px; padding: 0.6rem 1.1rem; font: inherit; font-weight: 600; cursor: pointer; text-decoration: none; background: var(--accent); color: #fff; }
.button.secondary { background: #eef1f7; color: var(--ink); }
.notice { padding: 0.75rem 1rem; border-radius: 8px; background: #eaf4ec; color: #1f5f2c; margin-bottom: 1.25rem; }
.notice.error { background: #fdecea; color: var(--bad); }
.profile { display: flex; gap: 1.5rem; align-items: center; }
.profile img { width: 96px; height: 96px; border-radius: 50%; border: 1px solid var(--line); background: #eef1f7; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1.25rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 0.5rem 0.25rem; border-bottom: 1px solid var(--line); }
`;

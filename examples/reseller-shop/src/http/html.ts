/** HTML that is already escaped: only {@link html} makes it, so nothing reaches a page unescaped. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

type Interpolation =
  | SafeHtml
  | string
  | number
  | undefined
  | null
  | false
  | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** A template tag that escapes every interpolated value except nested `html` fragments. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

const STYLESHEET = `
:root { color-scheme: light; --ink: #1d2433; --muted: #667085; --line: #e4e7ec; --accent: #3b5bdb;
  --ok: #1e7b4a; --ok-bg: #e7f6ee; --bad: #b42318; --bad-bg: #fdecea; --warn: #915b00; --warn-bg: #fff6e0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f7f9; }
header { background: #fff; border-bottom: 1px solid var(--line); }
header .bar { max-width: 760px; margin: 0 auto; padding: 12px 20px; display: flex; gap: 20px; align-items: center; }
header strong { margin-right: auto; }
header a { color: var(--muted); text-decoration: none; }
header a:hover { color: var(--ink); }
main { max-width: 760px; margin: 24px auto; padding: 0 20px; }
h1 { font-size: 22px; margin: 0 0 16px; }
h2 { font-size: 17px; margin: 0 0 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 20px; margin-bottom: 16px; }
dl { display: grid; grid-template-columns: 160px 1fr; gap: 8px 16px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; font-weight: 500; }
button { font: inherit; border: 0; border-radius: 8px; padding: 10px 22px; background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--ink); border: 1px solid var(--line); }
.muted { color: var(--muted); }
.status { border-radius: 10px; padding: 16px 20px; margin-bottom: 16px; border: 1px solid; }
.status.ok { background: var(--ok-bg); color: var(--ok); border-color: #b7e4c7; }
.status.bad { background: var(--bad-bg); color: var(--bad); border-color: #f5c2bd; }
.status.warn { background: var(--warn-bg); color: var(--warn); border-color: #f1d9a6; }
.status h1 { color: inherit; margin-bottom: 4px; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f1f3f5; padding: 1px 5px; border-radius: 4px; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 8px 6px; border-bottom: 1px solid var(--line); font-variant-numeric: tabular-nums; }
th { color: var(--muted); font-weight: 500; }
`;

/** The page layout: header navigation, one stylesheet, no script. */
export function page(title: string, body: SafeHtml): string {
  return `<!doctype html>${
    html`<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Reseller shop</title><style>${new SafeHtml(STYLESHEET)}</style></head>
<body><header><div class="bar"><strong>Reseller shop</strong><a href="/">Prices</a><a href="/webhooks">Webhooks</a><a href="/admin">Admin</a></div></header>
<main>${body}</main></body></html>`.text
  }`;
}

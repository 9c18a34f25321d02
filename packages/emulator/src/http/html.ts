const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A tagged template that escapes every interpolated value unless it is {@link raw} HTML. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new RawHtml(out);
}

/** Trusted HTML, not escaped again. */
export class RawHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

function render(value: unknown): string {
  if (value instanceof RawHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(value);
}

/** Marks HTML as trusted. */
export function raw(value: string): RawHtml {
  return new RawHtml(value);
}

const STYLE = `
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f;background:#f6f6f9}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0}
button{font:inherit;padding:.45rem .9rem;border-radius:6px;border:1px solid #888;background:#fff;cursor:pointer;margin:.2rem}
button.primary{background:#3451d1;color:#fff;border-color:#3451d1}
table{border-collapse:collapse;width:100%;font-size:.85rem;background:#fff}
td,th{border:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top}
code,pre{font-size:.8rem;white-space:pre-wrap;word-break:break-all}
.error{color:#b00020}.muted{color:#666}label{display:block;margin:.4rem 0}
`;

/** A whole page with the emulator's banner. */
export function page(title: string, body: RawHtml): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Neverlose emulator</title><style>${STYLE}</style></head>
<body><p class="muted">Neverlose emulator: local test double, not neverlose.cc</p>
<h1>${escapeHtml(title)}</h1>
${body.value}
</body></html>`;
}

/** Parses an `application/x-www-form-urlencoded` body. */
export function parseForm(body: string): URLSearchParams {
  return new URLSearchParams(body);
}

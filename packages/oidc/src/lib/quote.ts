const MAX_QUOTED = 100;

/**
 * @internal A value that came over the network, for an error message: in double quotes, cut to
 * 100 characters, with quotes, backslashes and every character outside printable ASCII escaped
 * (`\u2028`), so that a message never carries control characters, line breaks or markup-breaking
 * text chosen by whoever sent the value.
 */
export function quote(value: string): string {
  const cut = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}...` : value;
  const escaped = cut.replace(/["\\]|[^\x20-\x7e]/g, (character) =>
    character === '"' || character === '\\'
      ? `\\${character}`
      : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"`;
}

/** One top-level member of a JSON object: its key and its value's exact source text. */
export interface RawMember {
  readonly key: string;
  readonly raw: string;
}

/**
 * @internal Lists the top-level members of JSON object text, in order, duplicates included.
 * The text must already be valid JSON (checked with `JSON.parse`): this only finds boundaries.
 */
export function rawMembers(text: string): RawMember[] {
  const members: RawMember[] = [];
  let i = skip(text, 0);
  if (text.charCodeAt(i) !== 0x7b) return members;
  i = skip(text, i + 1);
  if (text.charCodeAt(i) === 0x7d) return members;
  for (;;) {
    const keyEnd = stringEnd(text, i);
    const keyText = text.slice(i, keyEnd);
    const key = keyText.includes('\\') ? (JSON.parse(keyText) as string) : keyText.slice(1, -1);
    i = skip(text, skip(text, keyEnd) + 1);
    const valueEnd = valueEndAt(text, i);
    members.push({ key, raw: text.slice(i, valueEnd) });
    i = skip(text, valueEnd);
    if (text.charCodeAt(i) !== 0x2c) return members;
    i = skip(text, i + 1);
  }
}

function skip(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** The index after the string starting at `i` (an opening quote). */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return text.length;
}

function valueEndAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return stringEnd(text, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === 0x22) j = stringEnd(text, j) - 1;
      else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return text.length;
  }
  let j = i;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (
      d === 0x2c ||
      d === 0x7d ||
      d === 0x5d ||
      d === 0x20 ||
      d === 0x0a ||
      d === 0x0d ||
      d === 0x09
    )
      break;
    j++;
  }
  return j;
}

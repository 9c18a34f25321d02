/**
 * A JSON value as the provider's Python sees it after `json.loads`.
 *
 * The distinction JavaScript loses is kept: an integer (any size, as its digits) versus a float.
 * Objects are `Map`s because Python dicts keep the first position of a key and the last value.
 * Numbers read from text keep that `text` (`2.00`, `1.5e1`), for callers that need it as sent.
 */
export type PyValue =
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'int'; readonly v: string; readonly text?: string }
  | { readonly t: 'float'; readonly v: number; readonly text?: string }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'none' }
  | { readonly t: 'list'; readonly v: readonly PyValue[] }
  | { readonly t: 'dict'; readonly v: ReadonlyMap<string, PyValue> };

export type PyDict = ReadonlyMap<string, PyValue>;

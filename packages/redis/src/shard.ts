/**
 * @internal Which of `count` shards a string belongs to (FNV-1a, 32 bits): the same on every
 * instance and every run, so each instance finds what another one wrote.
 */
export function shardOf(text: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

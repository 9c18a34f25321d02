import { describe, expect, it } from 'vitest';
import { MemoryDedupStore } from '../../src/index.js';
import { rawMembers } from '../../src/webhooks/raw-members.js';

describe('rawMembers', () => {
  it('lists top-level members with their exact value text, nested values and escapes included', () => {
    const text =
      ' { "a" : 1.50 , "b\\"q":"x,}\\"y", "c": {"d": [1, {"e": "]"}]}, "f": [ ], "g": true\n}';
    expect(rawMembers(text)).toEqual([
      { key: 'a', raw: '1.50' },
      { key: 'b"q', raw: '"x,}\\"y"' },
      { key: 'c', raw: '{"d": [1, {"e": "]"}]}' },
      { key: 'f', raw: '[ ]' },
      { key: 'g', raw: 'true' },
    ]);
  });

  it('keeps repeated keys and returns nothing for an empty object or a non-object', () => {
    expect(rawMembers('{"a":1,"a":2}').map((member) => member.raw)).toEqual(['1', '2']);
    expect(rawMembers('{}')).toEqual([]);
    expect(rawMembers('[1]')).toEqual([]);
  });
});

describe('MemoryDedupStore', () => {
  it('sweeps expired events as inserts go on', () => {
    let now = 0;
    const store = new MemoryDedupStore(() => now);
    for (let id = 0; id < 1023; id++) store.insertIfAbsent('transfer', id, 1);
    expect(store.size).toBe(1023);
    now = 5000;
    store.insertIfAbsent('transfer', 5000, 1);
    expect(store.size).toBe(1);
    store.delete('transfer', 5000);
    expect(store.size).toBe(0);
  });
});

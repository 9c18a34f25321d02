import { MemorySessionRevocations } from 'neverlose-example-web-standard';
import { describe, expect, it } from 'vitest';

const session = (id: string, issuedAt: number) => ({
  id,
  issuedAt,
  expiresAt: issuedAt + 8 * 3600_000,
  user: { id: '1', csrf: 'token' },
});

describe('web-standard MemorySessionRevocations', () => {
  it('refuses a revoked session until it expires, and forgets it afterwards', () => {
    let now = 1_000_000;
    const revocations = new MemorySessionRevocations({ maxEntries: 2, now: () => now });
    const a = session('a', now);
    revocations.revoke(a.id, a.expiresAt);
    expect(revocations.isRevoked(a)).toBe(true);
    expect(revocations.isRevoked(session('b', now))).toBe(false);

    now = a.expiresAt + 1;
    revocations.revoke('c', now + 1000);
    revocations.revoke('d', now + 1000);
    // "a" expired and was swept to make room: nothing was refused wholesale.
    expect(revocations.isRevoked(session('e', now - 1000))).toBe(false);
    expect(revocations.isRevoked(session('c', now))).toBe(true);
  });

  it('when full of live entries, refuses every session sealed until then, and no revoked one opens', () => {
    let now = 5_000_000;
    const revocations = new MemorySessionRevocations({ maxEntries: 2, now: () => now });
    for (const id of ['a', 'b', 'c']) revocations.revoke(id, now + 3600_000);
    expect(revocations.isRevoked(session('a', now - 10))).toBe(true);
    expect(revocations.isRevoked(session('c', now - 10))).toBe(true);
    expect(revocations.isRevoked(session('unrelated', now - 10))).toBe(true);
    now += 1000;
    expect(revocations.isRevoked(session('later', now))).toBe(false);
  });
});

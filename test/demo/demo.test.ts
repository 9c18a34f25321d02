import { describe, expect, it } from 'vitest';
import { repoRoot, spawnNode } from '../support/packed.js';

describe('pnpm demo (the README’s first command)', () => {
  it('starts the emulator and every example wired together, answers, and stops', async () => {
    // A port range of its own, so the test never meets a demo someone is running on 3000.
    const base = 21000 + (process.pid % 500) * 20;
    const result = await spawnNode(repoRoot, ['scripts/demo.mjs', '--smoke'], {
      env: { DEMO_PORT_BASE: String(base) },
    });
    expect(result.stdout).toContain(
      'Neverlose demo: everything runs locally against the emulator.',
    );
    expect(result.stdout).not.toContain('smoke: FAIL');
    expect(result.stdout.match(/smoke: ok/g)).toHaveLength(15);
    expect(result.code).toBe(0);
  });
});

/**
 * A job setup that never ends (a kind waiting forever, or looping without yielding) must
 * not hold the run forever: past `setupTimeoutMs` the solver is killed, its slot retired
 * (not restarted: the same setup would hang again), and the run fails saying why.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { customJob, FarmHarness } from './helpers.ts';

let h: FarmHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('setup timeout', () => {
  for (const hang of ['wait', 'spin'] as const) {
    it(`a setup that hangs (${hang}) fails the run with a clear reason, and no solver is restarted`, async () => {
      h = new FarmHarness({ cores: 2, setupTimeoutMs: 600 });
      const t0 = Date.now();
      await h.farm.start(customJob('hang-setup.ts', { hang }));
      expect(await h.farm.finished()).toBe('failed');
      const took = Date.now() - t0;
      expect(took).toBeGreaterThanOrEqual(600);
      expect(took).toBeLessThan(10_000);
      const end = h.events().find((e) => e.type === 'run' && e.state === 'failed');
      const reason = end?.type === 'run' ? end.reason : undefined;
      expect(reason).toMatch(/no solver process is left/);
      expect(reason).toMatch(/setup did not finish within 0\.6 s \(job kind "custom"\)/);
      const errors = h.events().flatMap((e) => (e.type === 'error' ? [e.error] : []));
      expect(errors.filter((e) => e.name === 'SetupTimedOut')).toHaveLength(2);
      // One process per slot, never replaced; all of them gone.
      expect(h.launcher.launched).toHaveLength(2);
      await expect.poll(() => h?.pids().filter(alive).length, { timeout: 2000 }).toBe(0);
    });
  }
});

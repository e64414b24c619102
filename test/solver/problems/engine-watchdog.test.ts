/**
 * A job that gives its engine a time limit is protected from an engine that ignores it:
 * GLPK 5.0's MIP preprocessor loops forever on test/fixtures/models/glpk-preprocessor-loop.lp
 * whatever its time limit. Without a policy.taskTimeoutSec the farm kills that solve at twice
 * the limit plus 5 s, records why, replaces the solver and finishes the other tasks.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FarmHarness } from '../farm/helpers.ts';
import { tempDir } from '../journal/helpers.ts';

const LOOPING = join(import.meta.dirname, '../../fixtures/models/glpk-preprocessor-loop.lp');

let h: FarmHarness | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  tmp?.cleanup();
  tmp = undefined;
});

describe('engine time-limit watchdog', () => {
  it('kills a glpk solve stuck past its time limit, says why, and finishes the rest', { timeout: 60_000 }, async () => {
    tmp = tempDir();
    const small = join(tmp.dir, 'small.lp');
    writeFileSync(small, 'Maximize\n obj: x + y\nSubject To\n c: x + 2 y <= 4\nBounds\n x <= 3\nEnd\n');
    h = new FarmHarness({ cores: 1 });
    const t0 = Date.now();
    await h.farm.start({
      job: { kind: 'batch', files: [LOOPING, small], engine: 'glpk', timeLimitSec: 0.5 },
      source: join(tmp.dir, 'job.json'),
    });
    expect(await h.farm.finished()).toBe('done');
    const took = Date.now() - t0;
    // 2 × 0.5 s + 5 s, then the kill and a new solver for the second model.
    expect(took).toBeGreaterThanOrEqual(6_000);
    expect(took).toBeLessThan(30_000);
    const byFile = new Map(h.results().map((r) => [r.label.replace(/^.*\//, ''), r]));
    const stuck = byFile.get('glpk-preprocessor-loop.lp');
    expect(stuck?.status).toBe('error');
    expect(stuck?.error?.name).toBe('TaskTimedOut');
    expect(stuck?.error?.message).toMatch(
      /still running after 6 s \(the engine ignored the job's 0\.5 s time limit; set policy\.taskTimeoutSec to choose\)/,
    );
    expect(byFile.get('small.lp')).toMatchObject({ status: 'optimal', objective: 3.5 });
    expect(h.launcher.launched).toHaveLength(2);
  });
});

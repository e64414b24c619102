/**
 * Race mode on real solver processes: a race plan (TaskPlan.race) sends each entrant to its
 * own solver; the first answer ends the run and the other solvers are killed at once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FarmEvent } from '../../../solver/api.ts';
import { FarmHarness, processExists, waitFor } from './helpers.ts';

const MIP = join(import.meta.dirname, '../../../../shared/models/mip');
const HAVE = existsSync(join(MIP, 'p0548.mps'));

let h: FarmHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function runEnd(harness: FarmHarness): Extract<FarmEvent, { type: 'run' }> | undefined {
  return harness
    .events()
    .find(
      (e): e is Extract<FarmEvent, { type: 'run' }> =>
        e.type === 'run' && ['done', 'stopped', 'failed'].includes(e.state),
    );
}

describe.skipIf(!HAVE)('race', () => {
  it('ends at the first answer and kills the entrant still racing', async () => {
    h = new FarmHarness({ cores: 2 });
    // HiGHS solves p0548 in well under a second; glpk needs 15 s to minutes.
    await h.farm.start({
      job: { kind: 'race', model: 'p0548.mps', entrants: [{ engine: 'glpk' }, { engine: 'highs' }] },
      source: join(MIP, 'race.json'),
    });
    const harness = h;
    const end = await waitFor('the end of the race', () => runEnd(harness), 30_000);
    expect(end.state).toBe('done');
    expect(end.reason).toMatch(/race won by p0548\.mps #2 highs/);
    const results = h.results();
    expect(results).toHaveLength(1);
    expect([results[0]?.status, results[0]?.objective, results[0]?.engine]).toEqual(['optimal', 8691, 'highs']);
    // Both entrants were racing, on different solvers…
    const starts = h
      .events()
      .flatMap((e) =>
        e.type === 'log' ? e.lines.filter((l) => l.startsWith('race: entrant')).map((l) => [e.solver, l]) : [],
      );
    const glpkStart = starts.find(([, l]) => String(l).includes('#1 glpk starts'));
    const highsStart = starts.find(([, l]) => String(l).includes('#2 highs starts'));
    expect(glpkStart).toBeDefined();
    expect(highsStart).toBeDefined();
    expect(glpkStart?.[0]).not.toBe(highsStart?.[0]);
    // …and every solver process is gone once the run is over.
    for (const pid of h.pids()) expect(processExists(pid)).toBe(false);
  });

  it('does not count a time limit as a win: with no answer, every entrant reports', async () => {
    h = new FarmHarness({ cores: 2 });
    await h.farm.start({
      job: {
        kind: 'race',
        model: 'p0548.mps',
        entrants: [
          { engine: 'glpk', options: { timeLimitSec: 1 } },
          { engine: 'highs', options: { timeLimitSec: 0.001 } },
        ],
      },
      source: join(MIP, 'race.json'),
    });
    const harness = h;
    const end = await waitFor('the end of the race', () => runEnd(harness), 30_000);
    expect(end.state).toBe('done');
    expect(end.reason ?? '').not.toMatch(/race won/);
    expect(h.results().map((r) => r.status)).toEqual(['time-limit', 'time-limit']);
  });
});

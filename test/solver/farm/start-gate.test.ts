/**
 * The start gate: a run's first batches wait (up to a second) until every launched solver is
 * set up, so a short job spreads over every core instead of going whole to the process that
 * happened to start first (the 901 Wyndor LPs take ~50 ms on one core).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FarmHarness } from './helpers.ts';

let harness: FarmHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('start gate', () => {
  it('a short job on 2 cores gets results from both solvers and logs in both panes', async () => {
    harness = new FarmHarness({ cores: 2 });
    await harness.farm.start({ example: 'wyndor-sweep', cores: 2 });
    expect(await harness.farm.finished()).toBe('done');
    const results = harness.results();
    expect(results).toHaveLength(901);
    const bySolver = new Map<number, number>();
    for (const r of results) bySolver.set(r.solver, (bySolver.get(r.solver) ?? 0) + 1);
    expect([...bySolver.keys()].sort()).toEqual([0, 1]);
    // The example logs GLPK's output (msglev "on"): every core's log has lines.
    expect(harness.logLines(0).length).toBeGreaterThan(0);
    expect(harness.logLines(1).length).toBeGreaterThan(0);
  });
});

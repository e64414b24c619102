/**
 * The berlin52 example through the real farm on 2 solver processes: barrier steps, reduce
 * between steps, and the budget: ≤ 1% above the optimum 7542 within 10 s.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { FarmEvent, StepSummary } from '../../../solver/api.ts';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { distanceMatrix, readTsplib, tourLength } from '../../../solver/problems/tsplib.ts';

const OPTIMUM = (
  JSON.parse(readFileSync(new URL('../../../../shared/tsplib/reference.json', import.meta.url), 'utf8')) as {
    optimal_length: Record<string, number>;
  }
).optimal_length.berlin52 as number;

const farm = new Farm({ launcher: new NodeLauncher(), cores: 2 });
const events: FarmEvent[] = [];
farm.subscribe((batch) => events.push(...batch));

afterAll(async () => {
  await farm.close();
});

describe('tsp-berlin52 through the farm', () => {
  it('ends ≤ 1% above 7542 within 10 s on 2 solvers', async () => {
    const t0 = performance.now();
    const info = await farm.start({ example: 'tsp-berlin52' });
    expect(info.kind).toBe('tsp');
    expect(info.cores).toBe(2);
    expect(info.view.kind).toBe('tour');
    expect(await farm.finished()).toBe('done');
    const elapsed = performance.now() - t0;

    const steps: StepSummary[] = events.flatMap((e) => (e.type === 'step' ? [e.summary] : []));
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: info.steps as number }, (_, i) => i + 1));
    for (let k = 1; k < steps.length; k++) {
      expect((steps[k] as StepSummary).best).toBeLessThanOrEqual((steps[k - 1] as StepSummary).best);
    }
    const last = steps.at(-1) as StepSummary;
    expect(last.sense).toBe('min');
    expect(last.perSolver.map((p) => p.solver).sort()).toEqual([0, 1]);
    // The reported best is the true length of the reported tour under TSPLIB's distances.
    const inst = readTsplib(new URL('../../../examples/berlin52.tsp', import.meta.url).pathname);
    const tour = last.tour as number[];
    expect(new Set(tour).size).toBe(52);
    expect(tourLength(distanceMatrix(inst), 52, tour)).toBe(last.best);
    expect(last.best).toBeGreaterThanOrEqual(OPTIMUM);
    expect(last.best).toBeLessThanOrEqual(OPTIMUM * 1.01);
    expect(elapsed).toBeLessThan(10_000);
  });
});

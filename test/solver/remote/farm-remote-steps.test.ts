/**
 * Barrier-step jobs (tsp berlin52) across a local solver and a remote `solver-farm worker`
 * with one barrier: every step's summary has both slots, no slot starts step k+1 before the
 * barrier of step k, and a worker SIGKILLed mid-run is dropped from the barrier instead of
 * hanging the run. Real RabbitMQ, real processes.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FarmEvent, StepSummary } from '../../../solver/api.ts';
import { rabbitAvailable } from '../../support/rabbitmq.ts';
import { startWorker } from './harness.ts';
import { brokerFarmSuite } from './helpers.ts';

const skip = !rabbitAvailable() && process.env.CI === undefined;
const JOB_SOURCE = fileURLToPath(new URL('../../../examples/tsp-berlin52.json', import.meta.url));
/** Published optimum of berlin52 (TSPLIB). */
const BERLIN52_OPTIMUM = 7542;

function tspJob(steps: number, stepMs: number) {
  return { job: { kind: 'tsp', instance: 'berlin52.tsp', steps, stepMs, seed: 1 }, source: JOB_SOURCE };
}

const stepsOf = (events: FarmEvent[]): StepSummary[] => events.flatMap((e) => (e.type === 'step' ? [e.summary] : []));

/**
 * For each slot, how many times it entered `stepping` before each step summary: a slot that
 * started step k+1 before the barrier of step k would have entered it more than k times.
 */
function startsBeforeEachBarrier(events: FarmEvent[]): { k: number; starts: Map<number, number> }[] {
  const starts = new Map<number, number>();
  const last = new Map<number, string>();
  const out: { k: number; starts: Map<number, number> }[] = [];
  for (const e of events) {
    if (e.type === 'solver') {
      const { id, state } = e.solver;
      if (state === 'stepping' && last.get(id) !== 'stepping') starts.set(id, (starts.get(id) ?? 0) + 1);
      last.set(id, state);
    } else if (e.type === 'step') {
      out.push({ k: e.summary.step, starts: new Map(starts) });
    }
  }
  return out;
}

describe.skipIf(skip)('barrier steps across local and remote solvers', () => {
  const suite = brokerFarmSuite();

  it('berlin52 on 1 local core + 1 remote core: both slots in every step, one barrier, result within 1%', async () => {
    const worker = startWorker(suite.broker.url, 1);
    await worker.waitFor(/waiting for runs/);
    const { farm, events } = suite.openFarm();
    await farm.start(tspJob(8, 300));
    expect(await farm.finished()).toBe('done');
    const steps = stepsOf(events);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Local slot 0 and the worker's slot 1 delivered every step before its reduce.
    for (const s of steps) expect(s.perSolver.map((p) => p.solver).sort(), `step ${s.step}`).toEqual([0, 1]);
    // The remote slot is shown beside the local one, with its host.
    expect(farm.snapshot().solvers.find((s) => s.id === 1)?.host).toBeTypeOf('string');
    // Nobody ran ahead: before barrier k each slot had started at most k steps (and at least
    // k, the local one seen directly; the remote one through its relayed states).
    const record = startsBeforeEachBarrier(events);
    expect(record).toHaveLength(8);
    for (const { k, starts } of record) {
      for (const slot of [0, 1])
        expect(starts.get(slot) ?? 0, `slot ${slot} before barrier ${k}`).toBeLessThanOrEqual(k);
      expect(starts.get(0), `local slot before barrier ${k}`).toBe(k);
    }
    const best = steps.at(-1)?.best ?? Number.POSITIVE_INFINITY;
    expect(best).toBeGreaterThanOrEqual(BERLIN52_OPTIMUM);
    expect(best).toBeLessThanOrEqual(BERLIN52_OPTIMUM * 1.01);
  }, 60_000);

  it('a remote worker SIGKILLed mid-run is dropped from the barrier; the run still ends', async () => {
    const worker = startWorker(suite.broker.url, 1);
    await worker.waitFor(/waiting for runs/);
    const { farm, events } = suite.openFarm();
    await farm.start(tspJob(10, 300));
    // Kill it once it has taken part in a step.
    await expect
      .poll(() => stepsOf(events).some((s) => s.perSolver.some((p) => p.solver === 1)), { timeout: 20_000 })
      .toBe(true);
    await worker.kill('SIGKILL');
    expect(await farm.finished()).toBe('done');
    const steps = stepsOf(events);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // After the loss was noticed the steps went on with the local slot alone.
    expect(steps.at(-1)?.perSolver.map((p) => p.solver)).toEqual([0]);
    expect(farm.snapshot().solvers.find((s) => s.id === 1)?.state).toBe('crashed');
  }, 90_000);
});

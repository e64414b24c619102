import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FarmEvent, SolverStatus, TaskResult } from '../../../solver/api.ts';
import { EventBatcher } from '../../../solver/farm/event-batcher.ts';

const status = (id: number, state: SolverStatus['state'], task?: string, step?: number): SolverStatus => ({
  id,
  state,
  since: 0,
  tasksDone: 0,
  tasksFailed: 0,
  restarts: 0,
  ...(task === undefined ? {} : { task }),
  ...(step === undefined ? {} : { step }),
});

const result = (index: number): TaskResult => ({
  id: String(index),
  index,
  label: `t${index}`,
  solver: 0,
  status: 'optimal',
  objective: index,
  timeMs: 1,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('EventBatcher', () => {
  it('coalesces label churn per solver but keeps state changes in order', () => {
    const b = new EventBatcher(16);
    const batches: FarmEvent[][] = [];
    b.subscribe((events) => batches.push(events));
    b.solver(status(0, 'solving', 'a'));
    b.solver(status(0, 'solving', 'b'));
    b.solver(status(1, 'stepping', undefined, 1));
    b.solver(status(1, 'barrier', undefined, 1));
    b.push({ type: 'step', summary: { step: 1, steps: 2, perSolver: [], winner: 1, best: 1, sense: 'min' } });
    b.solver(status(1, 'stepping', undefined, 2));
    b.solver(status(0, 'solving', 'c'));
    b.flush();
    expect(batches).toHaveLength(1);
    const got = (batches[0] as FarmEvent[]).map((e) =>
      e.type === 'solver' ? `${e.solver.id}:${e.solver.state}:${e.solver.task ?? e.solver.step}` : e.type,
    );
    expect(got).toEqual(['0:solving:c', '1:stepping:1', '1:barrier:1', 'step', '1:stepping:2']);
  });

  it('concatenates logs per solver and results, and puts the latest progress last', () => {
    const b = new EventBatcher(16);
    const batches: FarmEvent[][] = [];
    b.subscribe((events) => batches.push(events));
    let done = 0;
    b.setProgressSource(() => ({ total: 10, done, failed: 0, running: 1, rate: 0, etaMs: null, elapsedMs: 0 }));
    b.log(0, ['a']);
    b.result(result(0));
    b.log(1, ['x']);
    b.log(0, ['b', 'c']);
    b.result(result(1));
    done = 1;
    b.progressChanged();
    done = 2;
    b.progressChanged();
    b.flush();
    expect(batches[0]).toEqual([
      { type: 'log', solver: 0, lines: ['a', 'b', 'c'] },
      { type: 'results', results: [result(0), result(1)] },
      { type: 'log', solver: 1, lines: ['x'] },
      { type: 'progress', progress: { total: 10, done: 2, failed: 0, running: 1, rate: 0, etaMs: null, elapsedMs: 0 } },
    ]);
  });

  it('delivers at most one batch per interval', () => {
    vi.useFakeTimers();
    const b = new EventBatcher(16);
    let flushes = 0;
    b.subscribe(() => flushes++);
    for (let ms = 0; ms < 1000; ms++) {
      b.log(0, [`line ${ms}`]);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(20);
    expect(flushes).toBeGreaterThanOrEqual(55);
    expect(flushes).toBeLessThanOrEqual(64);
    expect(b.flushes).toBe(flushes);
  });

  it('a throwing listener does not starve the others', () => {
    const b = new EventBatcher(16);
    const seen: number[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    b.subscribe(() => {
      throw new Error('broken listener');
    });
    b.subscribe((events) => seen.push(events.length));
    b.log(0, ['a']);
    b.flush();
    expect(seen).toEqual([1]);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });
});

/**
 * ResultFactory (solver/farm/result-factory.ts), the one place a TaskResult is made: rows in
 * columns become the results the kind produced, rows of finished tasks are skipped before
 * anything is built, and failures and remote results carry the plan's id, label and params.
 */
import { describe, expect, it } from 'vitest';
import type { TaskResult } from '../../../solver/api.ts';
import { ResultFactory } from '../../../solver/farm/result-factory.ts';
import { taskIdHasher } from '../../../solver/farm/task-id.ts';
import type { TaskPlan } from '../../../solver/problems/types.ts';
import { RowsWriter } from '../../../solver/solver-process/rows.ts';
import { expected } from '../../fixtures/kinds/mixed.ts';

const plan: TaskPlan<number> = {
  type: 'tasks',
  count: 20,
  task: (i) => i,
  label: (i) => `t${i}`,
  params: (i) => ({ i }),
};
const taskId = taskIdHasher('mixed', { tasks: 20 });

describe('ResultFactory', () => {
  it('turns rows into TaskResults, skipping tasks that already have one', () => {
    const factory = new ResultFactory(plan as TaskPlan<unknown>, taskId);
    const w = new RowsWriter();
    const tasks = [10, 11, 12, 13, 14, 15, 16, 17];
    for (const i of tasks.slice(2)) w.add(expected(i), expected(i).timeMs);
    const finished = new Uint8Array(20);
    finished[13] = 1;
    const out: TaskResult[] = [];
    const ms = factory.fromRows(w.take(1, true, 2), tasks, 3, finished, (r) => out.push(r));
    expect(out.map((r) => r.index)).toEqual([12, 14, 15, 16, 17]);
    expect(ms).toBeCloseTo(
      tasks.slice(2).reduce((sum, i) => sum + expected(i).timeMs, 0),
      6,
    );
    for (const r of out) {
      const { timeMs, ...want } = expected(r.index);
      expect(r).toEqual({
        ...want,
        id: taskId(r.index),
        index: r.index,
        label: `t${r.index}`,
        solver: 3,
        params: { i: r.index },
        timeMs,
      });
    }
  });

  it('makes failures with the plan’s id, label and params', () => {
    const factory = new ResultFactory(plan as TaskPlan<unknown>, taskId);
    expect(factory.failure(4, 1, { name: 'SolverCrashed', message: 'gone' })).toEqual({
      id: taskId(4),
      index: 4,
      label: 't4',
      solver: 1,
      status: 'error',
      objective: null,
      params: { i: 4 },
      timeMs: 0,
      error: { name: 'SolverCrashed', message: 'gone' },
    });
  });
});

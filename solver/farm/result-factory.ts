/**
 * The one place a TaskResult is made: from a solver's columns (`rows`, local and remote
 * solvers alike), or for a task that never got an answer (a crash past its retries, a
 * limit). The farm adds what the wire leaves out, from its own plan: the task's id (a hash
 * of its inputs), label and parameters.
 */
import type { SerializedError, TaskResult } from '../api.ts';
import type { TaskPlan } from '../problems/types.ts';
import { type ResultRows, type RowExtra, STATUS_CODES } from '../protocol.ts';

/** Makes the TaskResults of one task plan (ids from the job's task-id hasher). */
export class ResultFactory {
  readonly #plan: TaskPlan<unknown>;
  readonly #taskId: (task: unknown) => string;

  constructor(plan: TaskPlan<unknown>, taskId: (task: unknown) => string) {
    this.#plan = plan;
    this.#taskId = taskId;
  }

  /** The result of task `i` that never answered (status `error`, no objective, no time). */
  failure(i: number, solver: number, error: SerializedError): TaskResult {
    const plan = this.#plan;
    return {
      id: this.#taskId(plan.task(i)),
      index: i,
      label: plan.label(i),
      solver,
      status: 'error',
      objective: null,
      params: plan.params(i),
      timeMs: 0,
      error,
    };
  }

  /**
   * Results in columns (protocol.ts ResultRows), in one tight loop: row r is the batch's task
   * at position `at + r`. Each row of a task without a result yet (`finished[i] === 0`)
   * becomes its TaskResult and goes to `settle`; rows of finished tasks are skipped before
   * anything is built (exactly once, structurally). Returns the rows' total solve time (ms).
   */
  fromRows(
    m: ResultRows,
    tasks: readonly number[],
    solver: number,
    finished: Uint8Array,
    settle: (result: TaskResult) => void,
  ): number {
    const plan = this.#plan;
    const taskId = this.#taskId;
    const { at, s: codes, o: objectives, us: times } = m;
    const n = codes.length;
    const names = m.vn;
    const values = m.v;
    const width = names === undefined ? 0 : names.length;
    const valueRows = m.vr;
    const extras = m.x;
    const engine = m.e;
    let vAt = 0; // next number in `v`
    let vrAt = 0; // next entry of `vr`
    let xAt = 0; // next entry of `x`
    let solveMs = 0;
    for (let r = 0; r < n; r++) {
      const timeMs = (times[r] as number) / 1000;
      solveMs += timeMs;
      // This row's flat values, and its sparse extras (both in row order).
      let rowValues: Record<string, number> | undefined;
      if (names !== undefined && values !== undefined && (valueRows === undefined || valueRows[vrAt] === r)) {
        if (valueRows !== undefined) vrAt++;
        rowValues = {};
        for (let k = 0; k < width; k++) rowValues[names[k] as string] = values[vAt + k] as number;
        vAt += width;
      }
      let extra: RowExtra | undefined;
      if (extras !== undefined && extras[xAt]?.r === r) extra = extras[xAt++];
      const i = tasks[at + r];
      // Not a task of this batch (a malformed message): ignore rather than trust it.
      if (i === undefined) continue;
      if (finished[i] !== 0) continue;
      const status = (STATUS_CODES[codes[r] as number] ?? extra?.status ?? 'error') as TaskResult['status'];
      const result: TaskResult = {
        id: taskId(plan.task(i)),
        index: i,
        label: plan.label(i),
        solver,
        status,
        objective: objectives[r] ?? null,
        params: plan.params(i),
        timeMs,
      };
      if (extra?.values !== undefined) result.values = extra.values;
      else if (rowValues !== undefined) result.values = rowValues;
      if (extra?.duals !== undefined) result.duals = extra.duals;
      const rowEngine = extra?.engine !== undefined ? extra.engine : engine;
      if (rowEngine !== undefined && rowEngine !== null) result.engine = rowEngine;
      if (extra?.gap !== undefined) result.gap = extra.gap;
      if (extra?.error !== undefined) result.error = extra.error;
      settle(result);
    }
    return solveMs;
  }
}

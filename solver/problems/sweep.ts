/**
 * The `sweep` job kind: one base LP/MIP (glpk.js JSON) and a parameter grid; one task per
 * grid point. The main side parses and plans (the count is known before start, tasks are
 * decoded lazily by index); each solver process copies the model once at setup and then
 * solves grid points that carry only their parameter values. See sweep/spec.ts for the
 * job format.
 */
import { loadGlpk } from '../engines/glpk-runtime.ts';
import { loadEngine } from '../engines/index.ts';
import type { Axis } from './sweep/grid.ts';
import { strides, taskValues } from './sweep/grid.ts';
import type { SweepState } from './sweep/prepare.ts';
import { prepare, solvePoint } from './sweep/prepare.ts';
import type { SweepSpec } from './sweep/spec.ts';
import { parseSweep } from './sweep/spec.ts';
import type { ProblemKind, SolverContext, TaskPlan } from './types.ts';

export type { Axis, AxisTarget } from './sweep/grid.ts';
export { axisValue, rangeCount } from './sweep/grid.ts';
export type { SweepState } from './sweep/prepare.ts';
export type { SweepSpec } from './sweep/spec.ts';
export { DEFAULT_MAX_TASKS, parseSweep } from './sweep/spec.ts';

/** A sweep task: the value of each grid axis, in axis order. */
export type SweepTask = number[];

/** Task plan of a parsed sweep (main side). */
export function planSweep(spec: SweepSpec): TaskPlan<SweepTask> {
  const axes: Axis[] = spec.axes;
  const stride = strides(axes);
  const names = axes.map((a) => a.name);
  // The farm asks for task, label and params of the same index in a row (id, label, params of
  // each result): a one-entry cache computes the grid point once instead of three times.
  let cachedIndex = -1;
  let cachedValues: number[] = [];
  const valuesAt = (i: number): number[] => {
    if (i !== cachedIndex) {
      cachedValues = taskValues(axes, stride, i);
      cachedIndex = i;
    }
    return cachedValues;
  };
  return {
    type: 'tasks',
    count: spec.count,
    paramNames: names,
    // Safe to share: the cache replaces its array and never writes into one it handed out.
    task: (i) => valuesAt(i),
    label: (i) => {
      const v = valuesAt(i);
      let s = '';
      for (let k = 0; k < v.length; k++) s += `${k > 0 ? ', ' : ''}${names[k]}=${v[k]}`;
      return s;
    },
    params: (i) => {
      const v = valuesAt(i);
      const out: Record<string, number> = {};
      for (let k = 0; k < v.length; k++) out[names[k] as string] = v[k] as number;
      return out;
    },
  };
}

// The worker hands us the same context object for every task; wrap its log once, not per task.
let lastCtx: SolverContext | null = null;
let lastSink: (line: string) => void = () => {};
function sinkOf(ctx: SolverContext): (line: string) => void {
  if (ctx !== lastCtx) {
    lastCtx = ctx;
    lastSink = (line) => ctx.log(line);
  }
  return lastSink;
}

/** The sweep kind. */
export const sweep: ProblemKind<SweepSpec, SweepTask, SweepState> = {
  kind: 'sweep',
  parse: parseSweep,
  plan: planSweep,
  async setup(spec) {
    const state = prepare(spec, await loadGlpk());
    if (spec.engine !== undefined) state.engine = await loadEngine(spec.engine);
    return state;
  },
  solve(state, task, ctx) {
    return solvePoint(state, task, sinkOf(ctx));
  },
};

export default sweep;

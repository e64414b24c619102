/**
 * Solver-side preparation of a sweep: the base model is copied once per process and each
 * axis is bound to the exact object field it writes, so a task is "write k numbers, fix the
 * bound types of the touched rows/columns, solve". glpk.js rebuilds its problem from the JSON
 * object on every call; keeping the rest of the per-task work to a few field writes matters
 * because the whole Wyndor solve is ~13 µs.
 */

import { violation } from '../../engines/check-solution.ts';
import { solveGlpkJson } from '../../engines/glpk-json-solve.ts';
import type { GlpkOutcome, GlpkRuntime, LineSink, LP, Options } from '../../engines/glpk-runtime.ts';
import { GLP, glpkOptions, loadGlpk } from '../../engines/glpk-runtime.ts';
import type { Engine } from '../../engines/types.ts';
import { fromGlpkLp } from '../../formats/glpk-json.ts';
import type { SolveResult } from '../types.ts';
import type { Axis } from './grid.ts';
import type { Bnds } from './model.ts';
import { hasLower, hasUpper } from './model.ts';
import type { SweepSpec } from './spec.ts';

/** A bounds record some axis writes, with which sides exist once the axes have written. */
interface Touched {
  bnds: Bnds;
  label: string;
  lower: boolean;
  upper: boolean;
}

/** Per-process state of a sweep. */
export interface SweepState {
  /** Replaced by a fresh instance if GLPK aborts (see solvePoint). */
  runtime: GlpkRuntime;
  /** A fresh GLPK instance being loaded after an abort. */
  replacing: Promise<void> | null;
  lp: LP;
  options: Options;
  /** One writer per axis, in axis order. */
  writers: ((v: number) => void)[];
  touched: Touched[];
  /** Variables to report, or null for all. */
  values: string[] | null;
  /** Rows whose duals to report, or null for all; false for none. */
  duals: string[] | null | false;
  /** A job's `engine` other than glpk (HiGHS, auto), which then solves every point. */
  engine?: Engine;
  /** The model has integer columns: glpk's answers are checked against it (check-solution.ts). */
  isMip: boolean;
}

/** Copy the model and bind every axis to the field it writes. */
export function prepare(spec: SweepSpec, runtime: GlpkRuntime): SweepState {
  const lp = structuredClone(spec.model);
  const byBnds = new Map<Bnds, Touched>();
  const touch = (bnds: Bnds, label: string, side: 'lb' | 'ub'): Touched => {
    let t = byBnds.get(bnds);
    if (t === undefined) {
      t = { bnds, label, lower: hasLower(bnds.type), upper: hasUpper(bnds.type) };
      byBnds.set(bnds, t);
    }
    if (side === 'lb') t.lower = true;
    else t.upper = true;
    return t;
  };
  const writers = spec.axes.map((axis: Axis): ((v: number) => void) => {
    const target = axis.target;
    if (target.kind === 'objective') {
      let term = lp.objective.vars.find((t) => t.name === target.variable);
      if (term === undefined) {
        // A column that is not in the objective yet has coefficient 0 there.
        term = { name: target.variable, coef: 0 };
        lp.objective.vars.push(term);
      }
      const ref = term;
      return (v) => {
        ref.coef = v;
      };
    }
    let bnds: Bnds;
    let label: string;
    if (target.kind === 'constraint') {
      const row = lp.subjectTo.find((r) => r.name === target.constraint);
      if (row === undefined) throw new Error(`constraint ${target.constraint} is not in the model`);
      bnds = row.bnds;
      label = `constraint ${target.constraint}`;
    } else {
      lp.bounds ??= [];
      let col = lp.bounds.find((b) => b.name === target.variable);
      if (col === undefined) {
        // GLPK's default column bounds: 0 ≤ x < +inf.
        col = { name: target.variable, type: GLP.LO, lb: 0, ub: 0 };
        lp.bounds.push(col);
      }
      bnds = col;
      label = `variable ${target.variable}`;
    }
    const ref = bnds;
    touch(bnds, label, target.bound);
    return target.bound === 'lb'
      ? (v) => {
          ref.lb = v;
        }
      : (v) => {
          ref.ub = v;
        };
  });
  return {
    runtime,
    replacing: null,
    lp,
    options: glpkOptions(spec.options, spec.isMip),
    writers,
    touched: [...byBnds.values()],
    values: spec.output.values === 'all' ? null : spec.output.values,
    duals: spec.output.duals === 'all' ? null : spec.output.duals.length === 0 ? false : spec.output.duals,
    isMip: spec.isMip,
  };
}

/** Solve one grid point. `sink` receives GLPK's output lines. */
export function solvePoint(state: SweepState, task: number[], sink: LineSink | null): SolveResult {
  const { writers, touched } = state;
  for (let k = 0; k < writers.length; k++) (writers[k] as (v: number) => void)(task[k] as number);
  for (let k = 0; k < touched.length; k++) {
    const t = touched[k] as Touched;
    const b = t.bnds;
    if (t.lower && t.upper) {
      if (b.lb > b.ub) {
        // GLPK would refuse to start ("incorrect bounds"); the point is simply infeasible.
        sink?.(`${t.label}: lb = ${b.lb} > ub = ${b.ub}, so this point is infeasible (not solved)`);
        return { status: 'infeasible', objective: null, timeMs: 0, engine: 'glpk' };
      }
      b.type = b.lb === b.ub ? GLP.FX : GLP.DB;
    } else {
      b.type = t.lower ? GLP.LO : GLP.UP;
    }
  }
  let out: GlpkOutcome;
  try {
    out =
      state.engine === undefined
        ? state.runtime.solve(state.lp, state.options, sink)
        : solveGlpkJson(state.engine, state.lp, state.options, sink);
  } catch (err) {
    // An abort leaves the instance unusable. Load a fresh one in the background: the worker
    // yields between result flushes, so the next tasks find it instead of failing too.
    if (state.runtime.aborted && state.replacing === null) {
      state.replacing = loadGlpk()
        .then((fresh) => {
          state.runtime = fresh;
        })
        .catch((loadErr: unknown) => {
          sink?.(
            `could not load a fresh GLPK instance: ${loadErr instanceof Error ? loadErr.message : String(loadErr)}`,
          );
        })
        .finally(() => {
          state.replacing = null;
        });
    }
    throw err;
  }
  if (state.isMip && state.engine === undefined && out.objective !== null) {
    // GLPK's MIP preprocessor can call a point that breaks the model optimal: check it.
    const model = fromGlpkLp(state.lp);
    const broken = violation(
      model,
      model.variables.map((v) => out.vars[v.name] ?? 0),
    );
    if (broken !== null) {
      return {
        status: 'error',
        objective: null,
        timeMs: out.timeMs,
        engine: 'glpk',
        error: {
          name: 'GlpkError',
          message: `GLPK's MIP answer (${out.status}) breaks the model: ${broken}. This is a GLPK 5.0 preprocessor defect; set "engine": "highs" (or "auto") in the job`,
        },
      };
    }
  }
  const result: SolveResult = {
    status: out.status,
    objective: out.objective,
    timeMs: out.timeMs,
    engine: state.engine?.name ?? 'glpk',
  };
  if (out.objective !== null) {
    if (state.values === null) {
      result.values = out.vars;
    } else if (state.values.length > 0) {
      const values: Record<string, number> = {};
      for (const name of state.values) values[name] = out.vars[name] as number;
      result.values = values;
    }
    if (state.duals !== false && out.dual !== undefined) {
      if (state.duals === null) {
        result.duals = out.dual;
      } else {
        const duals: Record<string, number> = {};
        for (const name of state.duals) duals[name] = out.dual[name] as number;
        result.duals = duals;
      }
    }
  }
  if (out.error !== undefined) result.error = out.error;
  return result;
}

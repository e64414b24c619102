/**
 * One interface for every LP/MIP engine (glpk.js, HiGHS). An engine is loaded once per
 * process (WebAssembly instantiation is async and costly) and then solves synchronously.
 */
import type { TaskStatus } from '../api.ts';
import type { LinearModel } from '../formats/model.ts';

/** Engine names a job may ask for. */
export type EngineName = 'glpk' | 'highs';
/** Engine choices a job may state: a name, or `auto` (by model size, see auto.ts). */
export type EngineChoice = EngineName | 'auto';
export const ENGINE_CHOICES: readonly EngineChoice[] = ['glpk', 'highs', 'auto'];

/** How much solver output to log. */
export type MsgLevel = 'off' | 'err' | 'on' | 'all';

/** Options of one solve. */
export interface SolveOptions {
  /** Wall-clock limit in seconds; a solve cut by it reports `time-limit`, never `optimal`. */
  timeLimitSec?: number;
  /** Relative MIP gap at which a MIP search may stop (default 0: prove optimality). */
  mipGap?: number;
  /** Receives the engine's terminal output and our own notes, one line per call. */
  log?: (line: string) => void;
  /** Engine output level (default `err`: errors only). */
  msgLevel?: MsgLevel;
  /** Also return row duals (LPs only). */
  duals?: boolean;
}

/** What a solve produced. Values and duals are indexed like model.variables / model.rows. */
export interface EngineResult {
  /**
   * optimal: proven optimal (within mipGap 0 / the engine's tolerances);
   * feasible: a MIP search stopped at the requested gap;
   * time-limit: cut by the time limit (objective = incumbent when there is one);
   * infeasible / unbounded: proven; error: the engine failed (see message).
   */
  status: TaskStatus;
  /** Objective including the model's constant; null when there is no solution to report. */
  objective: number | null;
  values: ArrayLike<number> | null;
  duals: ArrayLike<number> | null;
  /** Wall time of the solve, ms. */
  timeMs: number;
  /** Engine that solved it. */
  engine: EngineName;
  /** Relative MIP gap at the end, when the engine reports it. */
  gap?: number;
  /** Why the status is `error`, or a note on how an ambiguous status was resolved. */
  message?: string;
}

/** A loaded engine. */
export interface Engine {
  readonly name: EngineName | 'auto';
  readonly version: string;
  solve(model: LinearModel, options?: SolveOptions): EngineResult;
}

/** Rows or columns whose bounds cross (lb > ub): the model is infeasible before any solve. */
export function crossedBounds(model: LinearModel): string | undefined {
  for (const v of model.variables)
    if (v.lb > v.ub) return `column ${v.name} has lower bound ${v.lb} > upper bound ${v.ub}`;
  for (const r of model.rows) if (r.lb > r.ub) return `row ${r.name} has lower bound ${r.lb} > upper bound ${r.ub}`;
  return undefined;
}

/** The result for a model with no variables: every row is the constant 0. */
export function solveEmpty(model: LinearModel, engine: EngineName): EngineResult {
  const bad = model.rows.find((r) => r.lb > 0 || r.ub < 0);
  return {
    status: bad === undefined ? 'optimal' : 'infeasible',
    objective: bad === undefined ? model.objectiveConstant : null,
    values: [],
    duals: null,
    timeMs: 0,
    engine,
    message: 'the model has no variables',
  };
}

/**
 * The answer for models no engine needs to see: no variables at all, or bounds that cross
 * (infeasible before any solve). Undefined when the engine must solve.
 */
export function trivialResult(model: LinearModel, engine: EngineName): EngineResult | undefined {
  if (model.variables.length === 0) return solveEmpty(model, engine);
  const crossed = crossedBounds(model);
  if (crossed === undefined) return undefined;
  return { ...noSolution('infeasible', engine, 0, crossed), timeMs: 0 };
}

/** A result without a solution (error, infeasible, unbounded, …), timed from `t0`. */
export function noSolution(status: TaskStatus, engine: EngineName, t0: number, message: string): EngineResult {
  return { status, objective: null, values: null, duals: null, timeMs: performance.now() - t0, engine, message };
}

/** The message of anything thrown. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A copy of the model with a zero objective: solving it tells infeasible from unbounded. */
export function feasibilityModel(model: LinearModel): LinearModel {
  return { ...model, objective: model.objective.map(() => 0), objectiveConstant: 0 };
}

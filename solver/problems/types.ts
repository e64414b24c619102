/**
 * The one interface every job kind implements (DESIGN 'Job kinds'). The farm knows
 * nothing about LP or TSP: it parses and plans on the main side, ships the parsed spec
 * to each solver process once (`setup`), then sends task parameters or barrier steps.
 */
import type { RunView, StepSummary, TaskResult } from '../api.ts';
import type { JobAccess } from './job-access.ts';

/** Where a job document came from, so errors can name it and relative paths resolve. */
export interface ParseContext {
  /** File name (or example id) shown in errors. */
  source: string;
  /** Folder that relative paths in the job resolve against. */
  baseDir: string;
  /**
   * What the job may read and load, by who sent it (job-access.ts): resolve every path a job
   * names through `jobFilePath` and every module through `jobModulePath`. The farm always sets
   * it (farm/job.ts); absent (a kind's own tests), a job file's rules apply.
   */
  access?: JobAccess;
  /** Preview: read and check the spec, never import or run code (a custom kind's module). */
  preview?: boolean;
}

/** What a solver process gives the problem code. */
export interface SolverContext {
  /** Slot number of this solver. */
  solver: number;
  /** Seed for this solver's random choices (distinct per solver). */
  seed: number;
  /** Append a line to this solver's log stream (batched and flushed by the worker). */
  log(line: string): void;
}

/** A task as the solver computes it: the farm adds id, index, label, solver and params. */
export type SolveResult = Omit<TaskResult, 'id' | 'index' | 'label' | 'solver' | 'params'>;

/** Independent tasks: the count is known before start; tasks are made lazily by index. */
export interface TaskPlan<Task> {
  type: 'tasks';
  count: number;
  /** Parameters of task i: all a solver needs besides the spec (keep it small). */
  task(i: number): Task;
  /** Human label of task i, e.g. `P=500`. */
  label(i: number): string;
  /** Parameters of task i for tables and charts. */
  params(i: number): Record<string, number | string>;
  /** Names of the swept parameters, in order (chart axes). */
  paramNames?: string[];
  /**
   * A race: every task is another way to the same answer (e.g. other engines on one model).
   * The farm sends each task alone to its own solver, and the first result whose status is
   * neither `error` nor `time-limit` ends the run (`done`, the winner named in its reason):
   * the other solvers are killed at once and their tasks get no result.
   */
  race?: boolean;
  /**
   * The time limit each task gives its engine (ms), when the job sets one. Without a
   * policy.taskTimeoutSec, the farm kills a solve still running well past it (an engine that
   * ignores its own limit, as GLPK's MIP preprocessor can, would otherwise hold a solver forever).
   */
  engineTimeLimitMs?: number;
}

/** Barrier steps: every solver runs step k, then `reduce` combines their outputs. */
export interface StepPlan<StepIn> {
  type: 'steps';
  steps: number;
  /** Input of step 1. */
  initial: StepIn;
}

export type Plan<Task, StepIn> = TaskPlan<Task> | StepPlan<StepIn>;

/** Output of `reduce`: the next step's input and a summary for the UI. */
export interface Reduced<StepIn> {
  input: StepIn;
  summary: Omit<StepSummary, 'steps'>;
}

/**
 * A job kind. `Spec` must be JSON-safe: it is sent to every solver process at setup.
 * `parse` throws a ValidationError (see validate.ts) naming source, JSON path and expectation.
 */
export interface ProblemKind<Spec = unknown, Task = unknown, State = unknown, StepIn = unknown, StepOut = unknown> {
  kind: string;
  parse(doc: unknown, ctx: ParseContext): Spec | Promise<Spec>;
  plan(spec: Spec): Plan<Task, StepIn>;
  /** Something for the UI to draw for the whole run. */
  view?(spec: Spec): RunView;
  /** Once per solver process. May be async (e.g. loading a WebAssembly engine). */
  setup(spec: Spec, ctx: SolverContext): State | Promise<State>;
  /** Solve one independent task, synchronously (a solve blocks its process by design). */
  solve?(state: State, task: Task, ctx: SolverContext): SolveResult;
  /** Run barrier step k (1-based) from the reduced input. */
  step?(state: State, k: number, input: StepIn, ctx: SolverContext): StepOut;
  /** Main side, between steps: combine every solver's output. */
  reduce?(k: number, outputs: { solver: number; output: StepOut }[], spec: Spec): Reduced<StepIn>;
  /**
   * Its plan comes from code the job names (the custom kind): a preview, or a look at a past
   * run, parses such a job with `preview` set and does not plan it, since planning would run that code.
   */
  plansWithJobCode?: boolean;
}

/** Any kind, for registries. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds kinds of every type.
export type AnyProblemKind = ProblemKind<any, any, any, any, any>;

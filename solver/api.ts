/**
 * FarmApi and FarmEvent: the one contract every shell (Electron preload, WebSocket
 * server, CLI) exposes to a UI. Everything here must be plain, structured-cloneable
 * and JSON-safe data: it crosses IPC and WebSocket boundaries unchanged.
 *
 * The renderer may import types from this file and nothing else from solver/.
 */

/** An error as it crosses a process or network boundary. */
export interface SerializedError {
  name: string;
  message: string;
  /** Short stable code (e.g. `invalid-argument`) on errors a shell sends to a page (solver/farm/page-errors.ts). */
  code?: string;
  /** Kept between our own processes and in the journal; never sent to a page. */
  stack?: string;
}

/** Lifecycle of a run. `stopping` = draining (graceful terminate), `forcing` = killing. */
export type RunState = 'idle' | 'starting' | 'running' | 'stopping' | 'forcing' | 'done' | 'stopped' | 'failed';

/** What one solver process is doing, as the farm models it (never by asking the busy process). */
export type SolverState =
  | 'starting' // process launched, no `ready` yet
  | 'setup' // ready, loading the job's base model
  | 'idle' // set up, nothing to do
  | 'solving' // working on an independent task
  | 'stepping' // working on barrier step k
  | 'barrier' // finished step k, waiting for the others
  | 'crashed' // died unexpectedly (a replacement may follow)
  | 'stopped'; // shut down or killed on purpose

/** The farm's view of one solver process. */
export interface SolverStatus {
  /** Stable slot number 0..N-1 (a replacement keeps the slot, gets a new pid). */
  id: number;
  /** OS process id, when known. */
  pid?: number;
  /** Host name for remote solvers; absent for local ones. */
  host?: string;
  state: SolverState;
  /** Label of the task being solved (e.g. `P=500`), when `solving`. */
  task?: string;
  /** Barrier step the solver is in or waiting after. */
  step?: number;
  /** ms epoch when the current task / step / state began. */
  since: number;
  tasksDone: number;
  tasksFailed: number;
  /** ms epoch of the last message received from this process. */
  lastMessageAt?: number;
  /** Resident set size in bytes, as last reported by the process. */
  memory?: number;
  /** How many times this slot's process has been replaced after a crash. */
  restarts: number;
  /** Why the solver crashed or stopped, in plain words. */
  reason?: string;
}

/** Outcome of one task. `time-limit` = stopped by a limit; an incumbent may still be given. */
export type TaskStatus = 'optimal' | 'feasible' | 'time-limit' | 'infeasible' | 'unbounded' | 'error';

/** The result of one independent task, as stored, shown and exported. */
export interface TaskResult {
  /** Identity of the task: a hash of its inputs (stable across runs of the same job). */
  id: string;
  /** Position in the plan, 0-based. */
  index: number;
  /** Human label, e.g. `P=500` or `afiro.mps`. */
  label: string;
  /** Solver slot that produced it. */
  solver: number;
  status: TaskStatus;
  objective: number | null;
  /** The task's own parameters (e.g. swept values), for tables and charts. */
  params?: Record<string, number | string>;
  /** Chosen variable values (only the ones the job asked for). */
  values?: Record<string, number>;
  /** Row duals, when the job asked for them. */
  duals?: Record<string, number>;
  /** Solve time in milliseconds, measured in the solver process. */
  timeMs: number;
  /** Engine that solved it, e.g. `glpk`. */
  engine?: string;
  /** Relative MIP gap at the end, when known. */
  gap?: number;
  /** Set when status is `error`. */
  error?: SerializedError;
}

/** Summary of one barrier step. */
export interface StepSummary {
  /** 1-based step number. */
  step: number;
  steps: number;
  /** Best value each solver reached in this step (lower is better unless `sense` says so). */
  perSolver: { solver: number; value: number }[];
  /** Solver slot whose output won this step. */
  winner: number;
  /** Best value so far, over all steps. */
  best: number;
  sense: 'min' | 'max';
  /** For tour problems: the best tour so far, as indices into RunInfo.view.points. */
  tour?: number[];
}

/** Something extra a shell may draw for a run (e.g. the TSP's city coordinates). */
export type RunView = { kind: 'tour'; points: [number, number][]; name: string } | { kind: 'none' };

/** Progress of the current run. */
export interface Progress {
  /** Number of tasks, known before start; null for step jobs. */
  total: number | null;
  done: number;
  failed: number;
  running: number;
  /** Tasks per second, smoothed. */
  rate: number;
  /** Estimated ms until the end, when it can be estimated. */
  etaMs: number | null;
  /** Step jobs: the current step (1-based), the number of steps, solvers still working. */
  step?: { k: number; n: number; working: number[] };
  /** Best value so far (step jobs), for 'best so far' displays. */
  best?: number;
  /** ms since the run started. */
  elapsedMs: number;
}

/** What a started run is. */
export interface RunInfo {
  runId: string;
  /** Job kind, e.g. `sweep` or `tsp`. */
  kind: string;
  /** Display name of the job (example name or file name). */
  name: string;
  /** Number of tasks (independent jobs) or null (step jobs). */
  total: number | null;
  steps: number | null;
  cores: number;
  startedAt: number;
  /** Parameter names of a sweep, in grid order (for the chart's x axis). */
  params?: string[];
  view: RunView;
  /** Folder holding this run's files, when the shell keeps one. */
  dir?: string;
}

/** Answer of `status()`: the whole farm at one instant. */
export interface FarmStatus {
  state: RunState;
  run: RunInfo | null;
  solvers: SolverStatus[];
  progress: Progress | null;
  /** Terminate stage already requested for this run. */
  terminate: 'none' | 'graceful' | 'force';
  at: number;
}

/** A job the shell offers ready-made. */
export interface ExampleJob {
  id: string;
  name: string;
  description: string;
  kind: string;
}

/** Start a run: a built-in example by id, or a job document (parsed JSON of a job file). */
export type StartRequest =
  | { example: string; cores?: number }
  | {
      job: unknown;
      /** File name shown in errors and as the run's name, e.g. `my-sweep.json`. */
      source: string;
      cores?: number;
    };

/** Events, always delivered in batches (arrays), at most ~60 batches a second. */
export type FarmEvent =
  | { type: 'run'; state: RunState; run: RunInfo | null; error?: SerializedError; reason?: string }
  | { type: 'solver'; solver: SolverStatus }
  | { type: 'log'; solver: number; lines: string[] }
  | { type: 'progress'; progress: Progress }
  | { type: 'results'; results: TaskResult[] }
  | { type: 'step'; summary: StepSummary }
  | { type: 'error'; error: SerializedError; solver?: number };

export type FarmEventType = FarmEvent['type'];

/** Listener for event batches; returns nothing. */
export type FarmListener = (events: FarmEvent[]) => void;

/** Status of a past run as the run history shows it (`interrupted` = killed before it ended). */
export type PastRunStatus = 'running' | 'done' | 'stopped' | 'failed' | 'interrupted';

/** One run in the data folder's history. */
export interface PastRun {
  runId: string;
  name: string;
  kind: string;
  /** The job file (or example id) the run came from. */
  source: string;
  status: PastRunStatus;
  total: number | null;
  done: number;
  failed: number;
  /** ISO 8601 times. */
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  reason?: string;
  /** True when `resume` can continue it: not running, and tasks missing or failed (task jobs) or steps not run (step jobs). */
  resumable: boolean;
  /** The run's folder on the machine running the farm. */
  dir: string;
}

/** A past run opened for viewing: a page of its results, its log tails, its steps. */
export interface PastRunDetail {
  run: PastRun;
  /** Results in plan order, from `offset`, at most `limit`. */
  results: TaskResult[];
  /** Number of results in the journal (for paging). */
  resultCount: number;
  /** Swept parameter names (sweeps), for tables and charts. */
  params?: string[];
  /** The last lines of each solver's log file. */
  logs: { solver: number; lines: string[] }[];
  /** Barrier step summaries (step jobs). */
  steps: StepSummary[];
  view: RunView;
}

/** A model file as the UI hands it over: its name (for format and errors) and its text. */
export interface ModelFile {
  name: string;
  text: string;
}

/** What a model file holds: enough to build a sweep over its names. */
export interface ModelSummary {
  name: string;
  format: 'lp' | 'mps' | 'glpk-json';
  sense: 'min' | 'max';
  variables: string[];
  /** Number of integer or binary variables. */
  integers: number;
  constraints: string[];
  nonzeros: number;
}

/** A job checked and planned without starting it (count preview). */
export interface JobPreview {
  kind: string;
  name: string;
  /** Number of tasks (task jobs) or null. */
  total: number | null;
  /** Number of barrier steps (step jobs) or null. */
  steps: number | null;
  params?: string[];
}

/**
 * The control surface of a farm. Every shell implements exactly this.
 * Errors reject the promise with a message a user can read.
 */
export interface FarmApi {
  /** Start a run. Rejects with a located error if the job is invalid, or if a run is active. */
  start(request: StartRequest): Promise<RunInfo>;
  /**
   * First call (or `force: false`): graceful — no new work, running tasks finish, results kept.
   * Second call (or `force: true`): kill every solver process now. Resolves with the stage reached.
   */
  terminate(options?: { force?: boolean }): Promise<'graceful' | 'force' | 'none'>;
  /** Answered at once from the farm's own model, even while every solver is busy. */
  status(): Promise<FarmStatus>;
  /** Built-in example jobs. */
  examples(): Promise<ExampleJob[]>;
  /** Past runs in the data folder, newest first (empty when the shell keeps no runs). */
  runs(): Promise<PastRun[]>;
  /** Open a past run: a page of its results (plan order), its log tails and steps. */
  openRun(runId: string, options?: { offset?: number; limit?: number }): Promise<PastRunDetail>;
  /** Continue a past run in its folder: only missing tasks (and failed ones with retryFailed) run. */
  resume(runId: string, options?: { retryFailed?: boolean; cores?: number }): Promise<RunInfo>;
  /** Read a model file (CPLEX LP, MPS or glpk.js JSON) and list its names; rejects with a located error. */
  inspectModel(file: ModelFile): Promise<ModelSummary>;
  /** Parse and plan a job without starting it: task count (before start), steps, parameters. */
  preview(request: StartRequest): Promise<JobPreview>;
  /** Subscribe to event batches. Returns an unsubscribe function. */
  subscribe(listener: FarmListener): () => void;
}

/**
 * The verbs of FarmApi that are request/response (everything but subscribe): the keys of the
 * verb table every page-facing transport goes through (farm/verbs.ts) and of solver/channels.ts.
 */
export type FarmVerb = Exclude<keyof FarmApi, 'subscribe'>;

/**
 * Browser mode wire format (JSON text frames over one WebSocket at `/farm?token=…`).
 * The client sends requests; the server answers each by `id` and pushes event batches.
 */
export type WsRequest = { [V in FarmVerb]: { id: number; verb: V; args: Parameters<FarmApi[V]> } }[FarmVerb];

export type WsServerMessage =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: SerializedError }
  | { type: 'events'; events: FarmEvent[] };

import { create } from 'zustand';
import type {
  ExampleJob,
  FarmEvent,
  FarmStatus,
  Progress,
  RunInfo,
  RunState,
  SolverStatus,
  StepSummary,
} from '../../../solver/api.ts';
import type { ConnectionState } from '../transport/ws-client.ts';
import { LogRing } from './log-ring.ts';
import { ResultTable } from './result-table.ts';

/** Lines kept per core; older ones stay in the run directory on disk. */
export const CORE_LOG_LINES = 2_000;
/** Lines kept in the combined log. */
export const COMBINED_LOG_LINES = 5_000;
/** Recent errors kept for display. */
const MAX_ERRORS = 50;
/** The job the toolbar will start. */
export type JobChoice =
  | { type: 'example'; id: string }
  /** `source`: where the job came from (a path, when the desktop shell opened it); default `name`. */
  | { type: 'file'; name: string; job: unknown; source?: string };

/** An error shown in place (toolbar for start problems, a card for a solver's). */
export interface ShownError {
  at: number;
  message: string;
  solver?: number;
}

/** Everything the panel shows. One store (DESIGN 'Conventions' 6). */
export interface FarmState {
  connection: ConnectionState;
  connectionDetail: string;
  transport: 'electron' | 'websocket' | null;
  examples: ExampleJob[];
  job: JobChoice | null;
  /** Cores to request; null = let the farm decide (its default pool size). */
  cores: number | null;
  /** Largest choice offered in the cores selector. */
  maxCores: number;

  runState: RunState;
  run: RunInfo | null;
  terminateStage: 'none' | 'graceful' | 'force';
  solvers: SolverStatus[];
  progress: Progress | null;
  /** Why the run ended, when the farm said (failed / stopped). */
  runMessage: string | null;

  /**
   * Log rings are mutable and live outside React state on purpose (no per-line state);
   * the version counters below tell components a ring changed.
   */
  logs: LogRing[];
  logVersion: number[];
  combined: LogRing;
  combinedVersion: number;

  results: ResultTable;
  resultsVersion: number;

  steps: StepSummary[];
  tour: number[] | null;

  /** A start/terminate request in flight (buttons show it, and are not pressed twice). */
  pending: 'start' | 'terminate' | null;
  /** Error next to the toolbar (bad job file, start refused, connection lost mid-request). */
  toolbarError: string | null;
  /** Recent errors from the farm, newest last. */
  errors: ShownError[];
  /** Status dialog open. */
  statusOpen: boolean;
}

function emptyRunData(): Pick<
  FarmState,
  | 'logs'
  | 'logVersion'
  | 'combined'
  | 'combinedVersion'
  | 'results'
  | 'resultsVersion'
  | 'steps'
  | 'tour'
  | 'errors'
  | 'runMessage'
> {
  return {
    logs: [],
    logVersion: [],
    combined: new LogRing(COMBINED_LOG_LINES),
    combinedVersion: 0,
    results: new ResultTable(),
    resultsVersion: 0,
    steps: [],
    tour: null,
    errors: [],
    runMessage: null,
  };
}

function initialState(): FarmState {
  return {
    connection: 'connecting',
    connectionDetail: 'Connecting…',
    transport: null,
    examples: [],
    job: null,
    cores: null,
    maxCores: Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1),
    runState: 'idle',
    run: null,
    terminateStage: 'none',
    solvers: [],
    progress: null,
    pending: null,
    toolbarError: null,
    statusOpen: false,
    ...emptyRunData(),
  };
}

/** The store. Components select single fields: `useFarm((s) => s.progress)`. */
export const useFarm = create<FarmState>()(() => initialState());

/** Back to the initial state (tests, and a page that reconnects to a different farm). */
export function reset(): void {
  dirtyLogs.clear();
  combinedDirty = false;
  pending.length = 0;
  useFarm.setState(initialState(), true);
}

// Log publishing state: which rings changed since the panes last re-rendered.
const dirtyLogs = new Set<number>();
let combinedDirty = false;

/** Version bumps for every ring changed since the last publish, or null when none did. */
function takeLogPatch(s: FarmState): Partial<FarmState> | null {
  if (dirtyLogs.size === 0 && !combinedDirty) return null;
  const logVersion = [...s.logVersion];
  for (let i = 0; i < s.logs.length; i++) logVersion[i] ??= 0;
  for (const i of dirtyLogs) logVersion[i] = (logVersion[i] ?? 0) + 1;
  const patch: Partial<FarmState> = { logVersion, logs: s.logs };
  if (combinedDirty) patch.combinedVersion = s.combinedVersion + 1;
  dirtyLogs.clear();
  combinedDirty = false;
  return patch;
}

// Event batches waiting to be applied. However fast they arrive, the panel renders them on
// an animation frame, at most once per UPDATE_INTERVAL_MS (and, in a hidden tab where frames
// stop, after 250 ms at the latest). A lone event (Start, a run's end) shows on the next frame.
//
// Why not every frame: a 100k-task sweep on 2 cores streams ~20k results a second, and each
// applied batch costs a React render, layout, paint and a hit test for the pointer, whatever
// its size. Measured on a slow shared 2-core VM (Performance.getMetrics, the responsiveness
// e2e's sweep): the page's main thread was busy 3.9 s of 5 s rendering every frame, with a
// p95 frame interval of 50–83 ms; at 100 ms it was busy 2.8 s, with a p95 of 33 ms (3 runs each).
// Nobody reads 60 repaints a second of a scrolling log either (each repaint of three panes
// costs layout and text shaping).
export const UPDATE_INTERVAL_MS = 100;
const pending: FarmEvent[][] = [];
let flushScheduled = false;
let lastFlush = Number.NEGATIVE_INFINITY;
// The hidden-tab fallback of the flush now pending (one at a time: a stale one firing during
// a later wait would flush early).
let fallbackTimer: ReturnType<typeof setTimeout> | null = null;

function flush(): void {
  if (fallbackTimer) clearTimeout(fallbackTimer);
  fallbackTimer = null;
  if (!flushScheduled) return;
  flushScheduled = false;
  lastFlush = performance.now();
  const events = pending.length === 1 ? (pending[0] ?? []) : pending.flat();
  pending.length = 0;
  applyEvents(events);
}

function flushOnNextFrame(): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
}

/** Queues a batch of farm events; they are applied together on an animation frame (see UPDATE_INTERVAL_MS). */
export function enqueueEvents(events: FarmEvent[]): void {
  if (events.length === 0) return;
  pending.push(events);
  if (flushScheduled) return;
  flushScheduled = true;
  const wait = Math.max(0, lastFlush + UPDATE_INTERVAL_MS - performance.now());
  if (wait > 0) setTimeout(flushOnNextFrame, wait);
  else flushOnNextFrame();
  fallbackTimer = setTimeout(flush, wait + 250);
}

/** Ring for a core, created on first use. Mutates `logs`, the caller publishes it. */
function ringFor(logs: LogRing[], solver: number): LogRing {
  let ring = logs[solver];
  if (!ring) {
    for (let i = logs.length; i <= solver; i++) logs[i] = new LogRing(CORE_LOG_LINES);
    ring = logs[solver] as LogRing;
  }
  return ring;
}

function isActive(state: RunState): boolean {
  return state === 'starting' || state === 'running' || state === 'stopping' || state === 'forcing';
}

function stageOf(state: RunState, current: FarmState['terminateStage']): FarmState['terminateStage'] {
  if (state === 'stopping') return current === 'force' ? 'force' : 'graceful';
  if (state === 'forcing') return 'force';
  if (state === 'starting' || state === 'running') return current;
  return 'none';
}

/** Fresh run data when `run` is a different run than the one on screen. */
function runChange(s: FarmState, run: RunInfo | null): Partial<FarmState> | null {
  if (!run || s.run?.runId === run.runId) return null;
  return {
    ...emptyRunData(),
    run,
    progress: null,
    terminateStage: 'none',
    solvers: s.solvers.filter((v) => v.id < run.cores),
    maxCores: Math.max(s.maxCores, run.cores),
  };
}

/**
 * Applies one batch of farm events in a single `setState`, so a batch costs one render
 * whatever its size. Called by the transport listener, outside React.
 */
export function applyEvents(events: readonly FarmEvent[]): void {
  if (events.length === 0) return;
  useFarm.setState((s0) => {
    let s: FarmState = s0;
    const patch: Partial<FarmState> = {};
    let solvers: SolverStatus[] | null = null;
    let resultsChanged = false;
    let steps: StepSummary[] | null = null;
    let errors: ShownError[] | null = null;

    for (const ev of events) {
      switch (ev.type) {
        case 'run': {
          const change = runChange(s, ev.run);
          if (change) {
            // A new run: commit what we have, then start from its fresh data.
            Object.assign(patch, change);
            s = { ...s, ...patch };
            solvers = null;
            steps = null;
            errors = null;
            dirtyLogs.clear();
            combinedDirty = false;
            resultsChanged = true;
          }
          patch.runState = ev.state;
          if (ev.run) patch.run = ev.run;
          patch.terminateStage = stageOf(ev.state, patch.terminateStage ?? s.terminateStage);
          if (ev.error || ev.reason) patch.runMessage = ev.error?.message ?? ev.reason ?? null;
          else if (isActive(ev.state)) patch.runMessage = null;
          break;
        }
        case 'solver': {
          solvers ??= [...s.solvers];
          solvers[ev.solver.id] = ev.solver;
          break;
        }
        case 'log': {
          if (ev.lines.length === 0) break;
          ringFor(s.logs, ev.solver).push(ev.lines);
          s.combined.push(ev.lines, ev.solver);
          dirtyLogs.add(ev.solver);
          combinedDirty = true;
          break;
        }
        case 'progress':
          patch.progress = ev.progress;
          break;
        case 'results':
          if (s.results.append(ev.results) > 0) resultsChanged = true;
          break;
        case 'step': {
          steps ??= [...s.steps];
          const i = steps.findIndex((x) => x.step === ev.summary.step);
          if (i >= 0) steps[i] = ev.summary;
          else steps.push(ev.summary);
          if (ev.summary.tour) patch.tour = ev.summary.tour;
          break;
        }
        case 'error': {
          errors ??= [...s.errors];
          const e: ShownError = { at: Date.now(), message: ev.error.message };
          if (ev.solver !== undefined) e.solver = ev.solver;
          errors.push(e);
          if (errors.length > MAX_ERRORS) errors.splice(0, errors.length - MAX_ERRORS);
          break;
        }
      }
    }
    if (solvers) patch.solvers = solvers.filter((x) => x !== undefined);
    const logPatch = takeLogPatch(s);
    if (logPatch) Object.assign(patch, logPatch);
    if (resultsChanged) patch.resultsVersion = s.resultsVersion + 1;
    if (steps) patch.steps = steps;
    if (errors) patch.errors = errors;
    return patch;
  });
}

/** Replaces the run picture with a `status()` answer (on connect and reconnect). */
export function applyStatus(st: FarmStatus): void {
  useFarm.setState((s) => {
    const patch: Partial<FarmState> = { ...(runChange(s, st.run) ?? {}) };
    patch.runState = st.state;
    patch.run = st.run;
    patch.solvers = [...st.solvers].sort((a, b) => a.id - b.id);
    patch.progress = st.progress;
    patch.terminateStage = st.terminate;
    patch.maxCores = Math.max(s.maxCores, st.solvers.length, st.run?.cores ?? 0);
    return patch;
  });
}

/**
 * Start() answered with its run: show it now, from empty data when it is a new run. The
 * answer may arrive before the run's first event; setting `run` without the fresh data
 * would then make that event look like old news, and the last run's results would stay
 * in the new run's table.
 */
export function applyStartedRun(run: RunInfo): void {
  useFarm.setState((s) => {
    const change = runChange(s, run);
    if (!change) return {};
    return { ...change, runState: s.runState === 'idle' || !isActive(s.runState) ? 'starting' : s.runState };
  });
}

/** Clears one core's log pane (or the combined log with `null`). */
export function clearLog(solver: number | null): void {
  useFarm.setState((s) => {
    if (solver === null) {
      s.combined.clear();
      return { combinedVersion: s.combinedVersion + 1 };
    }
    const ring = s.logs[solver];
    if (!ring) return {};
    ring.clear();
    const logVersion = [...s.logVersion];
    logVersion[solver] = (logVersion[solver] ?? 0) + 1;
    return { logVersion };
  });
}

/** Whether the farm has a run that Start would collide with. */
export function runIsActive(state: RunState): boolean {
  return isActive(state);
}

/**
 * One glpk.js instance per process, with GLPK's terminal output routed per solve.
 *
 * glpk.js binds `console.log` / `console.error` once, when `GLPK()` instantiates the
 * WebAssembly module, and prints every line of GLPK's terminal output through them. So we
 * install forwarding functions around that one call; they send to a switchable sink that
 * `solve` points at the current task's log for the duration of the (synchronous) solve.
 * Outside a solve, output goes to the real console, as it would without us.
 */

import type { GLPK as GlpkInstance, LP, Options, Result } from 'glpk.js/node';
import GLPK from 'glpk.js/node';
import type { SerializedError, TaskStatus } from '../api.ts';
import { GLP } from '../formats/glpk-constants.ts';

export type { LP, Options, Result };

/** GLPK's constants, for the engine's users (defined with the format that spells models with them). */
export { GLP };

/** Receives GLPK's terminal output, one line per call (no trailing newline). */
export type LineSink = (line: string) => void;

/** GLPK message levels by name, as job files spell them. */
export type MsgLevel = 'off' | 'err' | 'on' | 'all';

/** The accepted message level names, in increasing verbosity. */
export const MSG_LEVELS: readonly MsgLevel[] = ['off', 'err', 'on', 'all'];

const MSG_CODE: Record<MsgLevel, number> = { off: GLP.MSG_OFF, err: GLP.MSG_ERR, on: GLP.MSG_ON, all: GLP.MSG_ALL };

/** Engine-level options, as a job states them. */
export interface GlpkSolveOptions {
  msglev?: MsgLevel;
  /** Use GLPK's presolver. MIPs always use it (glpk.js does not solve the relaxation first). */
  presol?: boolean;
  /** Time limit per solve, in seconds. */
  tmlim?: number;
  /** Relative MIP gap tolerance. */
  mipgap?: number;
}

/**
 * Turn job-level options into the glpk.js options object. Build it once per job and reuse it
 * for every solve: glpk.js reads it on each call, and allocating it per task is wasted work.
 */
export function glpkOptions(options: GlpkSolveOptions, isMip: boolean): Options {
  const out: Options = {
    msglev: MSG_CODE[options.msglev ?? 'err'],
    // LP without presolve is faster on small models (13 vs 21 µs on Wyndor) and, unlike
    // presolve, lets GLPK report infeasible/unbounded instead of "undefined".
    presol: isMip ? true : (options.presol ?? false),
  };
  if (options.tmlim !== undefined) out.tmlim = options.tmlim;
  if (options.mipgap !== undefined) out.mipgap = options.mipgap;
  return out;
}

/** What one solve produced. */
export interface GlpkOutcome {
  status: TaskStatus;
  /** GLPK's own status code (GLP_OPT, …). */
  glpkStatus: number;
  /** Objective value; null unless the status is optimal, feasible or a time limit with an incumbent. */
  objective: number | null;
  /** Column values by name. */
  vars: Record<string, number>;
  /** Row duals by name (simplex only; absent for MIPs). */
  dual?: Record<string, number>;
  /** Wall time of the solve call, in milliseconds. */
  timeMs: number;
  /** Set when status is `error`. */
  error?: SerializedError;
}

/** The per-process GLPK engine. */
export interface GlpkRuntime {
  readonly version: string;
  /** True once GLPK aborted in this instance: every later solve throws. */
  readonly aborted: boolean;
  /**
   * Solve synchronously; GLPK's terminal output for this solve goes to `sink`, split into
   * lines. Throws if GLPK aborted (a GLPK-level error that leaves the instance unusable).
   */
  solve(lp: LP, options: Options, sink?: LineSink | null): GlpkOutcome;
}

/**
 * Map a GLPK solution status to a TaskStatus. Never 'optimal' unless GLP_OPT.
 * `hitTimeLimit`: the solve ran out its `tmlim` (then a non-optimal outcome is a time limit).
 */
export function mapGlpkStatus(code: number, hitTimeLimit = false): TaskStatus {
  if (code === GLP.OPT) return 'optimal';
  if (hitTimeLimit && code !== GLP.NOFEAS && code !== GLP.UNBND) return 'time-limit';
  switch (code) {
    case GLP.FEAS:
      return 'feasible';
    case GLP.INFEAS:
    case GLP.NOFEAS:
      return 'infeasible';
    case GLP.UNBND:
      return 'unbounded';
    default:
      return 'error';
  }
}

// Module state of the one instance: whether a solve is running, where its lines go, and the
// first lines it printed (kept to explain an abort or an undefined status). Module-level so a
// solve allocates nothing for logging when GLPK prints nothing.
let solving = false;
let current: LineSink | null = null;
const seen: string[] = [];
let loading: Promise<GlpkRuntime> | null = null;
let shared: GlpkRuntime | null = null;

function emit(line: string): void {
  if (seen.length < 20) seen.push(line);
  current?.(line);
}

function forwarder(fallback: (...args: unknown[]) => void): (...args: unknown[]) => void {
  return (...args: unknown[]) => {
    if (!solving) {
      fallback(...args);
      return;
    }
    const text = args.length === 1 ? String(args[0]) : args.map(String).join(' ');
    if (text.includes('\n')) {
      for (const line of text.split('\n')) if (line !== '') emit(line);
    } else {
      emit(text);
    }
  };
}

/**
 * A new, separate GLPK instance (most callers want the shared one from `loadGlpk`). The glpk
 * engine keeps one spare so that a GLPK abort, which leaves an instance unusable, does not
 * fail every later solve of the process.
 */
export async function create(): Promise<GlpkRuntime> {
  const realLog = console.log;
  const realError = console.error;
  // Forward to whatever console.log is at print time outside solves (test runners patch it).
  console.log = forwarder((...a) => realLog.apply(console, a));
  console.error = forwarder((...a) => realError.apply(console, a));
  let glpk: GlpkInstance;
  try {
    glpk = await GLPK();
  } finally {
    console.log = realLog;
    console.error = realError;
  }
  let aborted: string | null = null;

  return {
    version: glpk.version,
    get aborted() {
      return aborted !== null;
    },
    solve(lp: LP, options: Options, sink: LineSink | null = null): GlpkOutcome {
      if (aborted !== null) {
        throw new Error(
          `GLPK aborted in an earlier solve (${aborted}); this GLPK instance is unusable (loadGlpk() gives a fresh one)`,
        );
      }
      seen.length = 0;
      current = sink;
      solving = true;
      const t0 = performance.now();
      let result: Result;
      try {
        result = glpk.solve(lp, options);
      } catch (err) {
        aborted = err instanceof Error ? err.message : String(err);
        const detail = seen.filter((l) => !l.startsWith('Aborted')).join('; ');
        throw new Error(`GLPK aborted: ${detail || aborted}`);
      } finally {
        solving = false;
        current = null;
      }
      const timeMs = performance.now() - t0;
      const r = result.result;
      const hitTimeLimit = options.tmlim !== undefined && timeMs >= options.tmlim * 1000 * 0.98;
      const status = mapGlpkStatus(r.status, hitTimeLimit);
      const hasValue = r.status === GLP.OPT || r.status === GLP.FEAS;
      const out: GlpkOutcome = { status, glpkStatus: r.status, objective: hasValue ? r.z : null, vars: r.vars, timeMs };
      if (r.dual !== undefined) out.dual = r.dual;
      if (status === 'error') {
        const said = seen.length > 0 ? `: ${seen.join('; ')}` : '';
        out.error = {
          name: 'GlpkError',
          message: `GLPK returned no solution (status undefined)${said}. With the presolver on, an infeasible or unbounded model ends this way; solve with "presol": false or msglev "on" to see why.`,
        };
      }
      return out;
    },
  };
}

/**
 * The process's GLPK runtime, created on first use (the WebAssembly module loads once).
 * After GLPK aborted in it, the next call loads a fresh one.
 */
export function loadGlpk(): Promise<GlpkRuntime> {
  if (shared?.aborted === true) {
    shared = null;
    loading = null;
  }
  loading ??= create().then(
    (runtime) => {
      shared = runtime;
      return runtime;
    },
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}

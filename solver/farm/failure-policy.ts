/**
 * A job's failure policy: the optional `policy` block of a job document.
 *
 * ```json
 * "policy": {
 *   "taskTimeoutSec": 60,           // kill a solver whose task runs longer; the task is an error
 *   "crashRetries": 2,              // re-run a task whose solver crashed this many times, then fail it
 *   "haltAfterFailures": 100,       // stop the run after this many failed tasks
 *   "haltAfterFailurePercent": 50,  // stop when this % of the finished tasks failed (see below)
 *   "memoryLimitMb": 2048           // per solver process; over it the solver is replaced, its task failed
 * }
 * ```
 * Everything is optional; `crashRetries` defaults to 2, the rest to "no limit".
 * The decision functions here are pure, so the farm's rules are tested without processes.
 * It lives in farm/ because the farm enforces it (runLimits() → the Run's RunLimits); the
 * journal only checks, when it resumes a run, that the stored job's policy still parses.
 */
import { Reader, ValidationError } from '../problems/validate.ts';
import type { RunLimits } from './run-types.ts';

/** A parsed failure policy (defaults applied). */
export interface FailurePolicy {
  /** Seconds a task may run before its solver is killed and the task recorded as an error. */
  taskTimeoutSec?: number;
  /** Times a task is re-run after its solver crashed under it, before it is recorded as failed. */
  crashRetries: number;
  /** Halt the run once this many tasks failed. */
  haltAfterFailures?: number;
  /** Halt once failed tasks reach this percentage of finished ones (after HALT_PERCENT_MIN_FINISHED). */
  haltAfterFailurePercent?: number;
  /** Memory cap per solver process, in MiB. */
  memoryLimitMb?: number;
}

/** Default policy: two crash retries, no other limit. */
export const DEFAULT_POLICY: Readonly<FailurePolicy> = Object.freeze({ crashRetries: 2 });

/**
 * haltAfterFailurePercent is judged only once this many tasks finished (or all of a smaller
 * job), so one early failure (1 of 1 = 100 %) does not stop a long run.
 */
export const HALT_PERCENT_MIN_FINISHED = 20;

const KEYS = ['taskTimeoutSec', 'crashRetries', 'haltAfterFailures', 'haltAfterFailurePercent', 'memoryLimitMb'];

/**
 * Reads the `policy` member of a job document (`$.policy`); absent means the defaults.
 * Throws a ValidationError naming the file and the JSON path, e.g.
 * `job.json: $.policy.crashRetries: expected an integer from 0 to 100, got -1`.
 */
export function parseFailurePolicy(job: unknown, source: string): FailurePolicy {
  const r = new Reader(source, job).at('policy');
  if (r.value === undefined) return { ...DEFAULT_POLICY };
  const obj = r.object();
  for (const key of Object.keys(obj)) {
    if (!KEYS.includes(key)) {
      // A misspelt limit silently ignored would be worse than no limit: refuse it.
      throw new ValidationError(source, r.at(key).path, `one of the policy members ${KEYS.join(', ')}`);
    }
  }
  const policy: FailurePolicy = { crashRetries: r.at('crashRetries').optional((x) => x.integer(0, 100), 2) };
  if (r.has('taskTimeoutSec')) policy.taskTimeoutSec = r.at('taskTimeoutSec').positive();
  if (r.has('haltAfterFailures')) policy.haltAfterFailures = r.at('haltAfterFailures').integer(1);
  if (r.has('haltAfterFailurePercent')) {
    const p = r.at('haltAfterFailurePercent');
    const n = p.positive();
    if (n > 100) p.fail('a percentage above 0 and at most 100');
    policy.haltAfterFailurePercent = n;
  }
  if (r.has('memoryLimitMb')) policy.memoryLimitMb = r.at('memoryLimitMb').integer(16);
  return policy;
}

/**
 * The crash retries of a run: the job's own `policy.crashRetries` when it sets one, else the
 * farm's configured default (so a farm option is not silently overridden by the default 2).
 */
export function crashRetriesFor(job: unknown, policy: FailurePolicy, farmDefault: number): number {
  const block = (job as { policy?: { crashRetries?: unknown } } | null)?.policy;
  return block !== null && typeof block === 'object' && block.crashRetries !== undefined
    ? policy.crashRetries
    : farmDefault;
}

/** Task counts a halt decision looks at. */
export interface FailureCounts {
  /** Tasks finished with a result that is not an error. */
  done: number;
  /** Tasks finished as errors. */
  failed: number;
  /** Tasks in the run (null for step jobs). */
  total: number | null;
}

/**
 * Whether the run must halt now, and why (a sentence for the user), or null to go on.
 * The caller ends the run as `failed` with this reason.
 */
export function haltReason(policy: FailurePolicy, counts: FailureCounts): string | null {
  const { done, failed, total } = counts;
  if (policy.haltAfterFailures !== undefined && failed >= policy.haltAfterFailures) {
    return `halted after ${failed} failed task${failed === 1 ? '' : 's'} (policy.haltAfterFailures is ${policy.haltAfterFailures})`;
  }
  const pct = policy.haltAfterFailurePercent;
  if (pct !== undefined) {
    const finished = done + failed;
    const minFinished = total === null ? HALT_PERCENT_MIN_FINISHED : Math.min(HALT_PERCENT_MIN_FINISHED, total);
    if (finished > 0 && finished >= minFinished && (failed * 100) / finished >= pct) {
      const share = ((failed * 100) / finished).toFixed(1);
      return `halted: ${failed} of ${finished} finished tasks failed (${share}%, policy.haltAfterFailurePercent is ${pct})`;
    }
  }
  return null;
}

/** Task time limit in ms, or null when there is none. */
export function taskTimeoutMs(policy: FailurePolicy): number | null {
  return policy.taskTimeoutSec === undefined ? null : Math.round(policy.taskTimeoutSec * 1000);
}

/** The error message recorded for a task that ran out of time. */
export function timeoutMessage(policy: FailurePolicy): string {
  return `timed out after ${policy.taskTimeoutSec ?? 0} s (policy.taskTimeoutSec)`;
}

/** Node `execArgv` that caps a solver process's V8 heap at the policy's memory limit. */
export function memoryExecArgv(policy: FailurePolicy): string[] {
  return policy.memoryLimitMb === undefined ? [] : [`--max-old-space-size=${policy.memoryLimitMb}`];
}

/**
 * Whether a solver's resident set size (bytes, as it reported) is over the cap. The heap
 * flag does not cover WebAssembly memory (glpk.js), so the farm also watches rss.
 */
export function overMemory(policy: FailurePolicy, rssBytes: number | undefined): boolean {
  return policy.memoryLimitMb !== undefined && rssBytes !== undefined && rssBytes > policy.memoryLimitMb * 1024 * 1024;
}

/** The error message recorded for a task whose solver went over the memory cap. */
export function memoryMessage(policy: FailurePolicy, rssBytes: number): string {
  const mb = Math.round(rssBytes / (1024 * 1024));
  return `the solver used ${mb} MiB, over policy.memoryLimitMb (${policy.memoryLimitMb ?? 0} MiB); it was replaced`;
}

/** The limits the farm's Run enforces for this policy (crash retries travel separately). */
export function runLimits(policy: FailurePolicy): RunLimits {
  const limits: RunLimits = {};
  const timeout = taskTimeoutMs(policy);
  if (timeout !== null) limits.taskTimeoutMs = timeout;
  if (policy.memoryLimitMb !== undefined) limits.memoryLimitBytes = policy.memoryLimitMb * 1024 * 1024;
  if (policy.haltAfterFailures !== undefined || policy.haltAfterFailurePercent !== undefined) {
    limits.halt = (counts) => haltReason(policy, counts);
  }
  return limits;
}

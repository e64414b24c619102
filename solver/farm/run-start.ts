/**
 * From a loaded job to a Run ready to start: its RunInfo, the remote link (opened first, so a
 * wrong broker address fails start() before anything is made), the observer (the run
 * journal), then the Run itself. The Farm decides whether a run may start, makes it its
 * current run, and starts it.
 */
import { randomBytes } from 'node:crypto';
import type { RunInfo } from '../api.ts';
import type { EventBatcher } from './event-batcher.ts';
import { crashRetriesFor, type FailurePolicy, runLimits } from './failure-policy.ts';
import type { LoadedJob } from './job.ts';
import type { StartOptions } from './journal-port.ts';
import type { SolverLauncher } from './launcher.ts';
import type { RemoteLink, RemoteWorkers } from './remote-port.ts';
import { Run } from './run.ts';
import type { RunObserver } from './run-types.ts';

/** What the Farm gives every run it starts (its options, with their defaults applied). */
export interface RunDefaults {
  launcher: SolverLauncher;
  events: EventBatcher;
  remote: RemoteWorkers | undefined;
  /** The farm's crash retries, unless the job's policy sets its own. */
  maxTaskRetries: number;
  shutdownGraceMs: number;
  killWaitMs: number;
  setupTimeoutMs: number;
}

/** One start, as the Farm asks for it. */
export interface RunStart {
  job: LoadedJob;
  policy: FailurePolicy;
  /** Solver processes asked for (capped here at the task count). */
  cores: number;
  /** start()'s hooks: resume data and the observer. */
  options: StartOptions;
  /** Throws when the farm was closed while the run was being prepared. */
  checkOpen(): void;
}

/** `20260131-123456-a1b2c3`: sorts by start time, unique enough for a run folder. */
function runId(now: Date): string {
  const iso = now.toISOString(); // 2026-01-31T12:34:56.789Z
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** What a run is, as shells see it from its first event. */
function runInfo(job: LoadedJob, cores: number): RunInfo {
  const plan = job.plan;
  const info: RunInfo = {
    runId: runId(new Date()),
    kind: job.kindName,
    name: job.name,
    total: plan.type === 'tasks' ? plan.count : null,
    steps: plan.type === 'steps' ? plan.steps : null,
    cores,
    startedAt: Date.now(),
    view: job.kind.view?.(job.spec) ?? { kind: 'none' },
  };
  if (plan.type === 'tasks' && plan.paramNames) info.params = plan.paramNames;
  return info;
}

/** Builds one run (see the file comment); nothing is left behind when it throws. */
export async function buildRun(defaults: RunDefaults, start: RunStart): Promise<Run> {
  const { job, policy, options } = start;
  const plan = job.plan;
  const cores = plan.type === 'tasks' ? Math.max(1, Math.min(start.cores, plan.count)) : start.cores;
  const info = runInfo(job, cores);
  const maxTaskRetries = crashRetriesFor(job.doc, policy, defaults.maxTaskRetries);
  // Races stay local: every entrant is watched and killed here.
  let remote: RemoteLink | undefined;
  if (defaults.remote !== undefined && (plan.type === 'steps' || plan.race !== true)) {
    remote = await defaults.remote.open({
      runId: info.runId,
      kindName: job.kindName,
      name: job.name,
      spec: job.spec,
      firstSlot: cores,
      maxTaskRetries,
    });
  }
  let observer: RunObserver | undefined;
  try {
    observer = options.observe ? await options.observe({ info, job }) : undefined;
    start.checkOpen();
  } catch (err) {
    await remote?.close();
    throw err;
  }
  return new Run({
    info,
    kindName: job.kindName,
    kind: job.kind,
    spec: job.spec,
    plan,
    launcher: defaults.launcher,
    cores,
    events: defaults.events,
    maxTaskRetries,
    limits: runLimits(policy),
    shutdownGraceMs: defaults.shutdownGraceMs,
    killWaitMs: defaults.killWaitMs,
    setupTimeoutMs: defaults.setupTimeoutMs,
    ...(options.finished ? { finished: options.finished } : {}),
    ...(options.finishedCounts ? { finishedCounts: options.finishedCounts } : {}),
    ...(options.resumeSteps ? { resumeSteps: options.resumeSteps } : {}),
    ...(observer ? { observer } : {}),
    ...(remote ? { remote } : {}),
  });
}

/**
 * Past runs as FarmApi shows them (the Farm's runs and openRun verbs, through the journal
 * port: farm-journal.ts): the list of past runs under a data folder, and one run opened for
 * viewing — a page of its results in plan order, the tails of its solver logs, its barrier
 * steps, and what to draw (re-derived from job.json through the kind's view()).
 *
 * Every file is read through run-file.ts (only regular files, each with a limit): a run
 * folder whose files are not what the farm wrote is refused by name, or, in the list, left
 * out, and the server goes on answering. Opening a run of millions of tasks reads its journal
 * in chunks, letting the event loop run between them.
 */
import { existsSync, opendirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { PastRun, PastRunDetail, RunView } from '../api.ts';
import { previewJob } from '../farm/job.ts';
import { JOB_FILE_ACCESS } from '../problems/job-access.ts';
import type { AnyProblemKind } from '../problems/types.ts';
import { listRuns, type RunRecord, readRunRecord, runsFolder } from './history.ts';
import { indexJournal, type JournalIndex, pageOfIndex, readIndexedResults } from './journal-index.ts';
import { RUN_FILES, readRunJob, readStepSummaries } from './run-dir.ts';
import { readRunFileTail } from './run-file.ts';

/** Results per openRun page when the caller gives no limit. */
export const DEFAULT_RESULT_PAGE = 5000;
/** Largest page openRun returns, whatever the caller asks (a page travels in one message). */
export const MAX_RESULT_PAGE = 50_000;
/** Lines of each solver log openRun returns. */
export const LOG_TAIL_LINES = 200;
/** Bytes read from the end of a log file for its tail (long GLPK lines fit many times over). */
const LOG_TAIL_BYTES = 64 * 1024;
/** Largest page of results in bytes of journal: however many results were asked for, a page stops here. */
export const MAX_PAGE_BYTES = 64 * 1024 * 1024;
/** Entries of logs/ looked at: a run has a log (and a rotated one) per solver, at most 1,024 solvers. */
const MAX_LOG_ENTRIES = 4096;

/** A journal record as the API shows it; `resumable` as FarmApi defines it. */
export function toPastRun(r: RunRecord): PastRun {
  // Task jobs: tasks without a result or failed. Step jobs: steps not run yet.
  const missingOrFailed =
    r.total !== null ? r.done + r.failed < r.total || r.failed > 0 : r.steps !== null && r.stepsDone < r.steps;
  const run: PastRun = {
    runId: r.runId,
    name: r.name,
    kind: r.kind,
    source: r.source,
    status: r.status,
    total: r.total,
    done: r.done,
    failed: r.failed,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: r.durationMs,
    resumable: r.status !== 'running' && missingOrFailed,
    dir: r.dir,
  };
  if (r.reason !== undefined) run.reason = r.reason;
  return run;
}

/** Past runs under a data folder, newest first (folders that are not readable runs are left out). */
export async function pastRuns(dataDir: string): Promise<PastRun[]> {
  const { runs } = await listRuns(dataDir);
  return runs.map(toPastRun);
}

/** The folder of a run id under a data folder; rejects with a plain message when there is none. */
export function runDirOf(dataDir: string, runId: string): string {
  const dir = path.join(runsFolder(dataDir), runId);
  if (!existsSync(path.join(dir, RUN_FILES.job))) {
    throw new Error(`There is no run ${runId} in ${runsFolder(dataDir)}: refresh the list of runs (runs()).`);
  }
  return dir;
}

/** The last `lines` lines of a log file, read from at most LOG_TAIL_BYTES of its end. */
function tailOf(file: string, lines: number): string[] {
  let tail: { text: string; cut: boolean } | null;
  try {
    tail = readRunFileTail(file, LOG_TAIL_BYTES);
  } catch (err) {
    // Not a log the farm wrote (a FIFO, a device): say so where its lines would be.
    return [(err as Error).message];
  }
  if (tail === null) return [];
  const all = tail.text.split('\n');
  if (all.at(-1) === '') all.pop();
  // A tail that starts mid-file starts mid-line: drop the partial first line.
  if (tail.cut) all.shift();
  return all.slice(-lines);
}

/** Names in logs/, at most MAX_LOG_ENTRIES of them (none when it is no folder). */
function logNames(logs: string): string[] {
  const names: string[] = [];
  let dir: ReturnType<typeof opendirSync>;
  try {
    dir = opendirSync(logs);
  } catch {
    return names;
  }
  try {
    for (let entry = dir.readSync(); entry !== null && names.length < MAX_LOG_ENTRIES; entry = dir.readSync()) {
      names.push(entry.name);
    }
  } catch {
    // A folder that cannot be read further: the logs found so far.
  } finally {
    dir.closeSync();
  }
  return names;
}

/** Each solver's log tail: the current file, topped up from the rotated `.1` when short. */
function logTails(dir: string): { solver: number; lines: string[] }[] {
  const out: { solver: number; lines: string[] }[] = [];
  const logs = path.join(dir, RUN_FILES.logs);
  for (const name of logNames(logs)) {
    const m = /^solver-(\d+)\.log$/.exec(name);
    if (m?.[1] === undefined) continue;
    let lines = tailOf(path.join(logs, name), LOG_TAIL_LINES);
    if (lines.length < LOG_TAIL_LINES) {
      const older = tailOf(path.join(logs, `${name}.1`), LOG_TAIL_LINES - lines.length);
      lines = [...older, ...lines];
    }
    out.push({ solver: Number(m[1]), lines });
  }
  return out.sort((a, b) => a.solver - b.solver);
}

/** Re-parses job.json's job for its view and parameter names; a job that no longer loads gives none. */
async function viewOf(
  dir: string,
  kinds: ReadonlyMap<string, AnyProblemKind>,
): Promise<{ view: RunView; params?: string[]; count: number | null }> {
  const runJob = readRunJob(dir);
  try {
    // Looking at a past run runs none of its code: a custom kind is parsed, not planned.
    const job = await previewJob(runJob.job, runJob.source, runJob.baseDir, kinds, JOB_FILE_ACCESS);
    if (job.plan === null) return { view: { kind: 'none' }, count: runJob.taskCount };
    const view = job.kind.view?.(job.spec) ?? { kind: 'none' };
    if (job.plan.type === 'tasks' && job.plan.paramNames) {
      return { view, params: job.plan.paramNames, count: runJob.taskCount };
    }
    return { view, count: runJob.taskCount };
  } catch {
    // The job's files may have moved since (a TSP instance): results and logs still show.
    return { view: { kind: 'none' }, count: runJob.taskCount };
  }
}

/** The last run opened: its view and journal index, reused while the journal is unchanged (paging). */
let lastOpened: {
  dir: string;
  size: number;
  mtimeMs: number;
  view: RunView;
  params?: string[];
  index: JournalIndex;
} | null = null;

/**
 * View, parameters and journal index of a run. Paging through a large run calls openRun once
 * per page: re-parsing the job and re-reading the whole journal each time would make that
 * quadratic, so the last run's are kept while its journal's size and mtime stay the same.
 */
async function cachedIndex(
  dir: string,
  kinds: ReadonlyMap<string, AnyProblemKind>,
): Promise<{ view: RunView; params?: string[]; index: JournalIndex }> {
  const file = path.join(dir, RUN_FILES.journal);
  let size = -1;
  let mtimeMs = -1;
  try {
    const st = statSync(file);
    size = st.size;
    mtimeMs = st.mtimeMs;
  } catch {
    // no journal yet: an empty index below
  }
  const hit = lastOpened;
  if (hit !== null && hit.dir === dir && hit.size === size && hit.mtimeMs === mtimeMs) return hit;
  const { view, params, count } = await viewOf(dir, kinds);
  const index = await indexJournal(file, count ?? 0);
  const opened = { dir, size, mtimeMs, view, index, ...(params !== undefined ? { params } : {}) };
  lastOpened = opened;
  return opened;
}

/** Opens a past run: a page of its results in plan order, its log tails, steps and view. */
export async function openPastRun(
  dataDir: string,
  runId: string,
  kinds: ReadonlyMap<string, AnyProblemKind>,
  options: { offset?: number; limit?: number } = {},
): Promise<PastRunDetail> {
  const dir = runDirOf(dataDir, runId);
  const run = toPastRun(await readRunRecord(dir));
  const { view, params, index } = await cachedIndex(dir, kinds);
  const limit = Math.min(options.limit ?? DEFAULT_RESULT_PAGE, MAX_RESULT_PAGE);
  const page = pageOfIndex(index, options.offset ?? 0, limit, MAX_PAGE_BYTES);
  const detail: PastRunDetail = {
    run,
    results: readIndexedResults(index, page),
    resultCount: index.results,
    logs: logTails(dir),
    steps: readStepSummaries(dir),
    view,
  };
  if (params !== undefined) detail.params = params;
  return detail;
}

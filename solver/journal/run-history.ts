/**
 * Past runs as FarmApi shows them (the Farm's runs and openRun verbs, through the journal
 * port: farm-journal.ts): the list of past runs under a data folder, and one run opened for
 * viewing — a page of its results in plan order, the tails of its solver logs, its barrier
 * steps, and what to draw (re-derived from job.json through the kind's view()).
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { PastRun, PastRunDetail, RunView, TaskResult } from '../api.ts';
import { previewJob } from '../farm/job.ts';
import { JOB_FILE_ACCESS } from '../problems/job-access.ts';
import type { AnyProblemKind } from '../problems/types.ts';
import { listRuns, type RunRecord, readRunRecord, runsFolder } from './history.ts';
import { indexJournal, type JournalIndex } from './journal-index.ts';
import { RUN_FILES, readRunJob, readStepSummaries } from './run-dir.ts';

/** Results per openRun page when the caller gives no limit. */
export const DEFAULT_RESULT_PAGE = 5000;
/** Largest page openRun returns, whatever the caller asks (a page travels in one message). */
export const MAX_RESULT_PAGE = 50_000;
/** Lines of each solver log openRun returns. */
export const LOG_TAIL_LINES = 200;
/** Bytes read from the end of a log file for its tail (long GLPK lines fit many times over). */
const LOG_TAIL_BYTES = 64 * 1024;

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

/** Past runs under a data folder, newest first (unreadable folders are left out). */
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

/** Reads the given results of a journal index, in plan order, from `offset` (0-based, among results). */
function pageOfResults(index: JournalIndex, offset: number, limit: number): TaskResult[] {
  const out: TaskResult[] = [];
  if (!index.scan.exists || limit === 0) return out;
  const wanted: { at: number; length: number }[] = [];
  let seen = 0;
  const take = (at: number, length: number): boolean => {
    if (seen++ >= offset) wanted.push({ at, length });
    return wanted.length >= limit;
  };
  let full = false;
  for (let i = 0; i < index.offsets.length && !full; i++) {
    const at = index.offsets[i] ?? 0;
    if (at !== 0) full = take(at - 1, index.lengths[i] ?? 0);
  }
  for (const e of index.extra) {
    if (full) break;
    full = take(e.offset, e.length);
  }
  const fd = openSync(index.file, 'r');
  try {
    let buffer = Buffer.allocUnsafe(4096);
    for (const { at, length } of wanted) {
      if (buffer.length < length) buffer = Buffer.allocUnsafe(length * 2);
      readSync(fd, buffer, 0, length, at);
      out.push(JSON.parse(buffer.toString('utf8', 0, length)) as TaskResult);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

function countResults(index: JournalIndex): number {
  let n = index.extra.length;
  for (const at of index.offsets) if (at !== 0) n++;
  return n;
}

/** The last `lines` lines of a file, reading at most LOG_TAIL_BYTES from its end. */
function tailOf(file: string, lines: number): string[] {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return [];
  }
  const length = Math.min(size, LOG_TAIL_BYTES);
  const buffer = Buffer.allocUnsafe(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const all = buffer.toString('utf8').split('\n');
  if (all.at(-1) === '') all.pop();
  // A tail that starts mid-file starts mid-line: drop the partial first line.
  if (length < size) all.shift();
  return all.slice(-lines);
}

/** Each solver's log tail: the current file, topped up from the rotated `.1` when short. */
function logTails(dir: string): { solver: number; lines: string[] }[] {
  const logs = path.join(dir, RUN_FILES.logs);
  let names: string[];
  try {
    names = readdirSync(logs);
  } catch {
    return [];
  }
  const out: { solver: number; lines: string[] }[] = [];
  for (const name of names) {
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
  const index = indexJournal(file, count ?? 0);
  lastOpened = { dir, size, mtimeMs, view, index, ...(params !== undefined ? { params } : {}) };
  return lastOpened;
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
  const detail: PastRunDetail = {
    run,
    results: pageOfResults(index, options.offset ?? 0, limit),
    resultCount: countResults(index),
    logs: logTails(dir),
    steps: readStepSummaries(dir),
    view,
  };
  if (params !== undefined) detail.params = params;
  return detail;
}

/**
 * Run history: the past runs under a data root (`<root>/runs/*`), newest first, for
 * `solver-farm runs` and the UI's run list. Reads only job.json and summary.json (and, for
 * runs that were killed before writing their summary, optionally the journal), so listing
 * hundreds of runs stays fast.
 */
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { readJournal } from './journal-reader.ts';
import { liveLockHolder, RUN_FILES, type RunJob, type RunStatus, readRunJob, readSummary } from './run-dir.ts';

/**
 * Where runs are kept when no folder is given: `$SOLVER_FARM_HOME` if set, else the OS's
 * per-user data folder — `$XDG_DATA_HOME/solver-farm` (default `~/.local/share/solver-farm`)
 * on Linux, `~/Library/Application Support/solver-farm` on macOS, `%LOCALAPPDATA%\solver-farm`
 * on Windows. The desktop app passes Electron's `app.getPath('userData')` instead.
 */
export function defaultDataRoot(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.SOLVER_FARM_HOME !== undefined && env.SOLVER_FARM_HOME !== '') return path.resolve(env.SOLVER_FARM_HOME);
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  if (platform === 'win32') {
    return path.join(env.LOCALAPPDATA ?? env.APPDATA ?? path.join(home, 'AppData', 'Local'), 'solver-farm');
  }
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'solver-farm');
  const xdg = env.XDG_DATA_HOME;
  return path.join(xdg !== undefined && xdg !== '' ? xdg : path.join(home, '.local', 'share'), 'solver-farm');
}

/** Folder holding the run directories of a data root. */
export function runsFolder(root: string): string {
  return path.join(root, 'runs');
}

/**
 * A run's status as history shows it: summary.json's, except that a run whose summary still
 * says `running` while no live process holds its lock was `interrupted` (killed, power cut)
 * and can be resumed.
 */
export type HistoryStatus = RunStatus | 'interrupted';

/** One past run. */
export interface RunRecord {
  runId: string;
  dir: string;
  kind: string;
  name: string;
  source: string;
  status: HistoryStatus;
  total: number | null;
  done: number;
  failed: number;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  reason?: string;
  resumes: number;
  /** Step jobs: their number of steps and how many were completed (null / 0 for task jobs). */
  steps: number | null;
  stepsDone: number;
}

/** A folder under runs/ that is not a readable run. */
export interface BrokenRun {
  dir: string;
  error: string;
}

/** Options of listRuns. */
export interface ListRunsOptions {
  /**
   * For interrupted runs, count the journal instead of trusting the summary (which may lag
   * by a few seconds). Costs one read of each interrupted run's journal.
   */
  exact?: boolean;
}

/**
 * Reads one run directory into a RunRecord; throws, naming the file, when job.json is missing
 * or invalid, or job.json or summary.json is not a regular file or too big.
 */
export async function readRunRecord(dir: string, options: ListRunsOptions = {}): Promise<RunRecord> {
  const job: RunJob = readRunJob(dir);
  const summary = readSummary(dir);
  let status: HistoryStatus = summary?.status ?? 'running';
  if (status === 'running' && liveLockHolder(dir) === null) status = 'interrupted';
  const record: RunRecord = {
    runId: job.runId,
    dir,
    kind: job.kind,
    name: job.name,
    source: job.source,
    status,
    total: job.taskCount,
    done: summary?.done ?? 0,
    failed: summary?.failed ?? 0,
    startedAt: summary?.startedAt ?? job.createdAt,
    endedAt: summary?.endedAt ?? null,
    durationMs: summary?.durationMs ?? null,
    resumes: summary?.resumes ?? 0,
    steps: job.steps,
    stepsDone: summary?.stepsDone ?? 0,
  };
  if (summary?.reason !== undefined) record.reason = summary.reason;
  if (status === 'interrupted' && (options.exact === true || summary === null)) {
    const scan = await readJournal(
      path.join(dir, RUN_FILES.journal),
      job.taskCount === null ? {} : { count: job.taskCount },
    );
    record.failed = scan.byStatus.error;
    record.done = scan.latest.size - scan.byStatus.error;
  }
  return record;
}

/**
 * Past runs under a data root, newest first, and the folders that could not be read (each
 * with why: a run whose files are not what the farm wrote is listed there, not an error of
 * the whole list).
 */
export async function listRuns(
  root: string,
  options: ListRunsOptions = {},
): Promise<{ runs: RunRecord[]; broken: BrokenRun[] }> {
  const folder = runsFolder(root);
  let names: string[];
  try {
    names = readdirSync(folder, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { runs: [], broken: [] };
    throw err;
  }
  const runs: RunRecord[] = [];
  const broken: BrokenRun[] = [];
  for (const name of names) {
    const dir = path.join(folder, name);
    try {
      runs.push(await readRunRecord(dir, options));
    } catch (err) {
      broken.push({ dir, error: (err as Error).message });
    }
  }
  runs.sort((a, b) =>
    a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : b.runId.localeCompare(a.runId),
  );
  return { runs, broken };
}

/** Compact duration text for tables: `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const m = Math.floor(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The history as a plain-text table (for `solver-farm runs`). */
export function formatRunTable(runs: readonly RunRecord[]): string {
  if (runs.length === 0) return 'No runs yet.';
  const rows = runs.map((r) => [
    r.runId,
    r.status,
    r.kind,
    r.total === null ? `${r.done}` : `${r.done}/${r.total}`,
    String(r.failed),
    formatDuration(r.durationMs),
    r.name,
  ]);
  const head = ['RUN', 'STATUS', 'KIND', 'DONE', 'FAILED', 'DURATION', 'NAME'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

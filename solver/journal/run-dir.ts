/**
 * The run directory (DESIGN 'Run directory and results'):
 *
 * ```
 * <root>/runs/<run id>/        (or the folder given with --out)
 *   job.json         the job document, where it came from, kind, task count, spec hash
 *   results.jsonl    append-only journal: one TaskResult per line (journal-writer.ts)
 *   steps.jsonl      step jobs: one StepSummary per barrier step
 *   step-input.json  step jobs: the input of the next step (e.g. the best tour), after each step
 *   logs/solver-N.log  one per solver slot, rotated to solver-N.log.1 at 5 MiB (solver-log.ts)
 *   summary.json     status, counts, start/end, duration, reason
 *   run.lock         while a process records into the run: {pid, host, since}
 * ```
 * Run ids sort by time: `20261122-031500-ab12cd` (UTC date, time, random hex digits).
 * job.json and summary.json are replaced atomically (write, fsync, rename), so a crash
 * leaves either the old or the new file, never half of one. Every file here is read back
 * through run-file.ts: only regular files, each with its size limit.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { StepSummary, TaskStatus } from '../api.ts';
import { MAX_PLANNED_TASKS } from '../farm/plan-check.ts';
import { Reader, ValidationError } from '../problems/validate.ts';
import { fileError } from './os-error.ts';
import {
  MAX_LOCK_BYTES,
  MAX_RUN_JOB_BYTES,
  MAX_STEP_INPUT_BYTES,
  MAX_STEPS_BYTES,
  MAX_SUMMARY_BYTES,
  notAFolder,
  RunFileError,
  readRunFile,
} from './run-file.ts';
import { makeDirs } from './run-folder.ts';
import { SolverLog, type SolverLogOptions } from './solver-log.ts';

/** Format tag of job.json. */
export const JOB_FORMAT = 'solver-farm/job@1';
/** Format tag of summary.json. */
export const SUMMARY_FORMAT = 'solver-farm/summary@1';

/** File names inside a run directory. */
export const RUN_FILES = {
  job: 'job.json',
  journal: 'results.jsonl',
  steps: 'steps.jsonl',
  stepInput: 'step-input.json',
  summary: 'summary.json',
  logs: 'logs',
  lock: 'run.lock',
} as const;

/**
 * Contents of a run's job.json: the job as the run recorded it (not the job file a user gives,
 * which solver/cli/job-file.ts reads).
 */
export interface RunJob {
  format: typeof JOB_FORMAT;
  runId: string;
  /** ISO time the run was created. */
  createdAt: string;
  /** Where the job came from: a file path (absolute) or `example:<id>`. */
  source: string;
  /** Folder the job's relative paths resolve against (absolute). */
  baseDir: string;
  kind: string;
  /** Display name of the job. */
  name: string;
  /** Independent tasks in the plan, or null for step jobs. */
  taskCount: number | null;
  /** Barrier steps, or null for task jobs. */
  steps: number | null;
  /** Content hash of the kind and parsed spec (solver/farm/task-id.ts specHash); seeds every task id. */
  specHash: string;
  /** Solver processes the run was started with. */
  cores?: number;
  /**
   * The job document itself, as given (including its `policy` block). Nothing in this file
   * decides what a resume may read or load: anyone who can write in the data folder can edit
   * it (older versions wrote a `fromJobFile` flag; it is ignored). Who asks for the resume
   * decides (solver/farm/journal-port.ts ResumeAccess).
   */
  job: unknown;
}

/** Final (or current) state of a run, as summary.json holds it. */
export type RunStatus = 'running' | 'done' | 'stopped' | 'failed';

/** Contents of summary.json. */
export interface RunSummary {
  format: typeof SUMMARY_FORMAT;
  runId: string;
  status: RunStatus;
  /** Tasks in the plan (null for step jobs). */
  total: number | null;
  /** Tasks whose latest result is not an error. */
  done: number;
  /** Tasks whose latest result is an error. */
  failed: number;
  /** Latest results by status. */
  byStatus: Record<TaskStatus, number>;
  /** ISO time the run first started. */
  startedAt: string;
  /** ISO time the last session ended; null while running. */
  endedAt: string | null;
  /** Time spent running, summed over the first start and every resume (ms). */
  durationMs: number;
  /** Why the run ended as it did (halt reason, error, terminate), when there is one. */
  reason?: string;
  /** How many times the run was resumed. */
  resumes: number;
  /** Barrier steps completed (step jobs). */
  stepsDone?: number;
  /** Best value reached (step jobs). */
  best?: number;
}

/** A new run id: `YYYYMMDD-HHMMSS-xxxx` in UTC, sortable by time. */
export function newRunId(now: Date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}

/** Whether a string has the shape of a run id. */
export function isRunId(s: string): boolean {
  // 4 hex digits from newRunId, 6 from the farm's run ids (solver/farm/farm.ts).
  return /^\d{8}-\d{6}-[0-9a-f]{4,6}$/.test(s);
}

/** Writes JSON so that a crash leaves the old file or the new one, never a mix. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeTextAtomic(file, jsonText(value));
}

/** JSON text as run files hold it (indented, one newline at the end). */
function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes a file so that a crash leaves the old file or the new one, never a mix. */
function writeTextAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  // Whatever holds the temp name (a leftover, or a FIFO or link someone put there, which a
  // plain open would block on or write through) goes first; 'wx' then makes a new file or fails.
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx');
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    // A full disk: leave no half-written temp file beside the old one.
    rmSync(tmp, { force: true });
    throw err;
  }
  syncDir(path.dirname(file));
}

/** fsync a directory so a rename or a new file in it survives a power cut (no-op where unsupported). */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open or fsync a directory; NTFS journals the rename itself.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Reads and checks a run's job.json; errors name the file and the JSON path, or say that
 * `dir` is no run folder at all.
 */
export function readRunJob(dir: string): RunJob {
  const notFolder = notAFolder(dir);
  if (notFolder !== null) throw new RunFileError(notFolder);
  const file = path.join(dir, RUN_FILES.job);
  const text = readRunFile(file, MAX_RUN_JOB_BYTES, 'a job.json');
  if (text === null) throw new Error(`${dir}: not a run directory (it has no ${RUN_FILES.job})`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(file, '$', `valid JSON (${(err as Error).message})`);
  }
  const r = new Reader(file, doc);
  r.object();
  if (r.at('format').value !== JOB_FORMAT) r.at('format').fail(JSON.stringify(JOB_FORMAT));
  // Bounded like a plan: viewers and resume size per-task arrays by it, so a hand-edited
  // job.json must not make them allocate without limit.
  const taskCount = r.at('taskCount').value === null ? null : r.at('taskCount').integer(0, MAX_PLANNED_TASKS);
  const steps = r.at('steps').value === null ? null : r.at('steps').integer(0);
  if (!r.has('job')) r.at('job').fail('the job document');
  const out: RunJob = {
    format: JOB_FORMAT,
    runId: r.at('runId').string(),
    createdAt: r.at('createdAt').string(),
    source: r.at('source').string(),
    baseDir: r.at('baseDir').string(),
    kind: r.at('kind').string(),
    name: r.at('name').optional((x) => x.string(), ''),
    taskCount,
    steps,
    specHash: r.at('specHash').string(),
    job: r.at('job').value,
  };
  if (r.has('cores')) out.cores = r.at('cores').integer(1);
  return out;
}

/**
 * Reads summary.json: null when it is missing or holds no summary (a run killed before
 * writing it). Throws, naming the file, when it is not a regular file or too big.
 */
export function readSummary(dir: string): RunSummary | null {
  const text = readRunFile(path.join(dir, RUN_FILES.summary), MAX_SUMMARY_BYTES, 'a summary.json');
  if (text === null) return null;
  try {
    const doc = JSON.parse(text) as RunSummary;
    return doc !== null && typeof doc === 'object' && doc.format === SUMMARY_FORMAT ? doc : null;
  } catch {
    return null;
  }
}

/**
 * steps.jsonl: one StepSummary per line, in step order. A torn or invalid line is skipped; a
 * step recorded twice (it ran again after a resume) counts once, with its last line. Throws,
 * naming the file, when it is not a regular file or too big.
 */
export function readStepSummaries(dir: string): StepSummary[] {
  const text = readRunFile(path.join(dir, RUN_FILES.steps), MAX_STEPS_BYTES, 'a steps.jsonl');
  if (text === null) return [];
  const byStep = new Map<number, StepSummary>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const s = JSON.parse(line) as StepSummary;
      if (typeof s === 'object' && s !== null && typeof s.step === 'number') byStep.set(s.step, s);
    } catch {
      // a torn last line (the run was killed mid-write): the steps before it stand
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Format tag of step-input.json. */
export const STEP_INPUT_FORMAT = 'solver-farm/step-input@1';

/** Contents of step-input.json: what resuming a step job starts from. */
export interface StepInputFile {
  format: typeof STEP_INPUT_FORMAT;
  /** Steps completed; `input` is the input of step `step + 1`. */
  step: number;
  input: unknown;
}

/**
 * Reads step-input.json: null when there is none (no step finished yet). Throws, naming the
 * file, when it is there but not a step input (it is replaced atomically, so a crash cannot
 * leave half of one), not a regular file or too big.
 */
export function readStepInput(dir: string): StepInputFile | null {
  const file = path.join(dir, RUN_FILES.stepInput);
  const text = readRunFile(file, MAX_STEP_INPUT_BYTES, 'a step-input.json');
  if (text === null) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON (${(err as Error).message})`);
  }
  const r = new Reader(file, doc);
  r.object();
  if (r.at('format').value !== STEP_INPUT_FORMAT) {
    throw new ValidationError(file, '$.format', `"${STEP_INPUT_FORMAT}"`, r.at('format').value);
  }
  return { format: STEP_INPUT_FORMAT, step: r.at('step').integer(1), input: r.at('input').value };
}

/** Who holds a run's lock. */
export interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/**
 * The holder of a run's lock if that process is still alive on this host, else null. A lock
 * that cannot be read (not JSON, not a regular file, too big) holds nothing: no process of
 * ours wrote it, so acquiring the run replaces it.
 */
export function liveLockHolder(dir: string): LockInfo | null {
  let info: LockInfo;
  try {
    info = JSON.parse(readRunFile(path.join(dir, RUN_FILES.lock), MAX_LOCK_BYTES, 'a run.lock') ?? '') as LockInfo;
  } catch {
    return null;
  }
  if (typeof info?.pid !== 'number') return null;
  // A lock from another host (a shared folder) cannot be checked: respect it.
  if (info.host !== hostname()) return info;
  if (info.pid === process.pid) return info;
  try {
    process.kill(info.pid, 0);
    return info;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? info : null;
  }
}

/**
 * Lets go of a run's lock: deletes run.lock, or, where the folder no longer lets us delete
 * files in it (made read-only mid-run), empties it, which liveLockHolder reads as no lock.
 * Throws only if neither works.
 */
function releaseLock(file: string): void {
  try {
    rmSync(file, { force: true });
    return;
  } catch (err) {
    try {
      const fd = openSync(file, 'r+');
      try {
        ftruncateSync(fd, 0);
      } finally {
        closeSync(fd);
      }
    } catch {
      throw fileError('remove the lock', file, err);
    }
  }
}

function acquireLock(dir: string): void {
  const file = path.join(dir, RUN_FILES.lock);
  const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(info), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = liveLockHolder(dir);
      if (holder !== null) {
        throw new Error(
          `${dir}: this run is in use by process ${holder.pid} on ${holder.host} since ${holder.since}; stop that process first (or delete ${RUN_FILES.lock} if it is gone)`,
        );
      }
      // Stale lock of a killed process: take it over.
      rmSync(file, { force: true });
    }
  }
  throw new Error(`${dir}: could not lock the run (${RUN_FILES.lock} keeps reappearing)`);
}

/**
 * Undoes a RunDir.create that failed half-way, so that each failed attempt leaves nothing
 * behind: the run folder when it made it, else (a folder the user named, empty before) what
 * it put in it. The lock only when it took it: a lock held by someone else stays.
 */
function removeCreated(dir: string, made: boolean, locked: boolean): void {
  try {
    if (made) {
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    if (locked) rmSync(path.join(dir, RUN_FILES.lock), { force: true });
    rmSync(path.join(dir, RUN_FILES.logs), { recursive: true, force: true });
  } catch {
    // Best effort: the error that made the create fail is the one to report.
  }
}

/** What createRunDir needs to know about the job. */
export interface NewRun {
  /** `<root>/runs/<run id>` is created under this root… */
  root?: string;
  /** …unless an exact folder is given (CLI --out): it must be empty or not exist. */
  dir?: string;
  /** The job document as given. */
  job: unknown;
  source: string;
  baseDir: string;
  kind: string;
  name: string;
  taskCount: number | null;
  steps: number | null;
  specHash: string;
  cores?: number;
  /** Run id to use (tests); default newRunId(). */
  runId?: string;
  logs?: SolverLogOptions;
}

/** An open run directory: owns its lock and its per-solver log files. */
export class RunDir {
  #dir: string;
  /** The folder is gone (see relocate): no lock is let go by path any more. */
  #gone = false;
  readonly job: RunJob;
  readonly #logOptions: SolverLogOptions;
  readonly #logs = new Map<number, SolverLog>();
  /** Log files that stopped (cannot be opened or rotated), not yet taken by takeLogProblems(). */
  #logProblems: string[] = [];
  #released = false;

  private constructor(dir: string, job: RunJob, logOptions: SolverLogOptions) {
    this.#dir = dir;
    this.job = job;
    this.#logOptions = logOptions;
  }

  get runId(): string {
    return this.job.runId;
  }

  /** The run folder (where it is now, after relocate()). */
  get dir(): string {
    return this.#dir;
  }

  /**
   * The run folder was moved while the run was recorded (the recorder found it by its
   * identity): its files are at `dir` now. Null: it is gone (removed, or something else stands
   * at its path), so release() lets go of no lock there: that lock would not be this run's.
   */
  relocate(dir: string | null): void {
    if (dir === null) this.#gone = true;
    else this.#dir = dir;
  }

  /** Path of a file of this run (RUN_FILES key). */
  file(name: keyof typeof RUN_FILES): string {
    return path.join(this.dir, RUN_FILES[name]);
  }

  /**
   * Creates a new run directory, writes job.json and takes the run's lock. Refuses a
   * folder that already holds a run (resume it instead) or other files.
   */
  static create(options: NewRun): RunDir {
    const runId = options.runId ?? newRunId();
    let dir: string;
    if (options.dir !== undefined) {
      dir = path.resolve(options.dir);
      if (existsSync(path.join(dir, RUN_FILES.job))) {
        throw new Error(
          `${dir} already holds a run; resume it with \`solver-farm resume ${dir}\` or choose another folder`,
        );
      }
      if (existsSync(dir) && !statSync(dir).isDirectory()) {
        throw new Error(`${dir} is a file; choose an empty or new folder for the run`);
      }
      if (existsSync(dir) && readdirSync(dir).length > 0) {
        throw new Error(`${dir} is not empty; choose an empty or new folder for the run`);
      }
    } else if (options.root !== undefined) {
      dir = path.join(path.resolve(options.root), 'runs', runId);
    } else {
      throw new Error('createRunDir: give a root or a dir');
    }
    const job: RunJob = {
      format: JOB_FORMAT,
      runId,
      createdAt: new Date().toISOString(),
      source: options.source,
      baseDir: path.resolve(options.baseDir),
      kind: options.kind,
      name: options.name,
      taskCount: options.taskCount,
      steps: options.steps,
      specHash: options.specHash,
      job: options.job,
    };
    if (options.cores !== undefined) job.cores = options.cores;
    const jobFile = path.join(dir, RUN_FILES.job);
    // The text first: a job that cannot be written (a BigInt, a cycle) or read back (too big)
    // is refused before any folder is made.
    let text: string;
    try {
      text = jsonText(job);
    } catch (err) {
      throw fileError('write', jobFile, err);
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_RUN_JOB_BYTES) {
      throw new Error(
        `cannot write ${jobFile}: the job would take ${Math.ceil(bytes / 2 ** 20)} MiB there, more than the ${MAX_RUN_JOB_BYTES / 2 ** 20} MiB a run's job.json may be; put big models in files of their own`,
      );
    }
    const made = !existsSync(dir);
    let locked = false;
    try {
      makeDirs(path.join(dir, RUN_FILES.logs));
      acquireLock(dir);
      locked = true;
      try {
        writeTextAtomic(jobFile, text);
      } catch (err) {
        throw fileError('write', jobFile, err);
      }
    } catch (err) {
      removeCreated(dir, made, locked);
      throw err;
    }
    return new RunDir(dir, job, options.logs ?? {});
  }

  /** Opens an existing run (to resume it): reads job.json and takes the lock. */
  static open(dir: string, logs: SolverLogOptions = {}): RunDir {
    const abs = path.resolve(dir);
    const job = readRunJob(abs);
    makeDirs(path.join(abs, RUN_FILES.logs));
    acquireLock(abs);
    return new RunDir(abs, job, logs);
  }

  /** The log file of a solver slot (opened on first use; one that cannot be opened drops its lines). */
  log(slot: number): SolverLog {
    let log = this.#logs.get(slot);
    if (log === undefined) {
      const onProblem = (message: string): void => {
        this.#logProblems.push(message);
        this.#logOptions.onProblem?.(message);
      };
      log = new SolverLog(path.join(this.dir, RUN_FILES.logs, `solver-${slot}.log`), {
        ...this.#logOptions,
        onProblem,
      });
      this.#logs.set(slot, log);
    }
    return log;
  }

  /** Why log files stopped since the last call (each reported once), in words. */
  takeLogProblems(): string[] {
    const problems = this.#logProblems;
    this.#logProblems = [];
    return problems;
  }

  /** summary.json as it is now, or null. */
  readSummary(): RunSummary | null {
    return readSummary(this.dir);
  }

  /** Replaces summary.json atomically; throws `cannot write …/summary.json: CODE (meaning)`. */
  writeSummary(summary: RunSummary): void {
    try {
      writeJsonAtomic(this.file('summary'), summary);
    } catch (err) {
      throw fileError('write', this.file('summary'), err);
    }
  }

  /** Records the input of step `step + 1`, replacing the previous one atomically. */
  writeStepInput(step: number, input: unknown): void {
    writeJsonAtomic(this.file('stepInput'), { format: STEP_INPUT_FORMAT, step, input } satisfies StepInputFile);
  }

  /**
   * Flushes and closes the log files (which never throw) and drops the lock, even in a folder
   * made read-only meanwhile (releaseLock). Safe to call twice.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    for (const log of this.#logs.values()) log.close();
    this.#logs.clear();
    if (!this.#gone) releaseLock(this.file('lock'));
  }
}

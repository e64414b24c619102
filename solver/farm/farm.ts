/**
 * The Farm: FarmApi on a pool of solver processes (DESIGN 'Process model'). Shells (the
 * Electron main process, the CLI, browser mode) create one Farm with a SolverLauncher,
 * call its verbs and forward its event batches.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type {
  ExampleJob,
  FarmApi,
  FarmListener,
  FarmStatus,
  JobPreview,
  ModelFile,
  ModelSummary,
  PastRun,
  PastRunDetail,
  RunInfo,
  RunState,
  StartRequest,
} from '../api.ts';
import { JOB_FILE_ACCESS, type JobAccess, pageBaseDir } from '../problems/job-access.ts';
import { kinds as defaultKinds } from '../problems/registry.ts';
import type { AnyProblemKind } from '../problems/types.ts';
import { tooManyCores } from './core-limit.ts';
import { EventBatcher } from './event-batcher.ts';
import { parseFailurePolicy } from './failure-policy.ts';
import { inspectModel } from './inspect-model.ts';
import { baseDirOf, type LoadedJob, loadExample, loadJob, previewJob, readExamples } from './job.ts';
import type { ResumeAccess, RunContext, RunJournal, StartOptions } from './journal-port.ts';
import type { SolverLauncher } from './launcher.ts';
import { checkSolverPriority, withPriority } from './priority-launcher.ts';
import type { RemoteWorkers } from './remote-port.ts';
import type { Run } from './run.ts';
import { buildRun, type RunDefaults } from './run-start.ts';
import type { RunObserver } from './run-types.ts';
import { checkModelFile, checkOpenRunOptions, checkResumeOptions, checkRunId } from './verb-args.ts';
import { WarmPool } from './warm-pool.ts';

export type { RunContext, RunJournal, StartOptions } from './journal-port.ts';
export type { ResumeSteps, RunEnd, RunObserver } from './run-types.ts';

/**
 * What a resume may read and load: what the caller decides from the recorded job (a page's
 * shell: ResumeAccess), never what the run folder claims, since anyone who can write in the
 * data folder can edit it. Page rules also get the examples folder, which every page may read
 * (a run of a built-in example reads it).
 */
function resumeAccess(access: JobAccess | ResumeAccess, examplesDir: string): ResumeAccess {
  return (recorded) => {
    const decided = typeof access === 'function' ? access(recorded) : access;
    return decided.roots === null ? decided : { ...decided, roots: [...decided.roots, examplesDir] };
  };
}

/** A start or resume while a run is active: the page may offer to terminate it (code `busy`). */
export class FarmBusyError extends Error {
  override name = 'FarmBusyError';
  readonly code = 'busy';
}

/** The repository's examples/ folder (shells that bundle the farm pass their own). */
export const DEFAULT_EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

/** How a Farm is built. */
export interface FarmOptions {
  /** Starts solver processes (Node: NodeLauncher; Electron: its utilityProcess launcher). */
  launcher: SolverLauncher;
  /** Pool size; default `os.availableParallelism()`. A start request may override it. */
  cores?: number;
  /** Job kinds by name; default the registry (sweep, tsp, custom, …). */
  kinds?: ReadonlyMap<string, AnyProblemKind>;
  /** Folder of examples/index.json and the example job files. */
  examplesDir?: string;
  /** Event batches are delivered at most this often (ms); default 16 (~60 Hz). */
  eventIntervalMs?: number;
  /** A task that was on a crashed solver this many times more is recorded as failed; default 2. */
  maxTaskRetries?: number;
  /** At the end of a run, kill solvers that have not exited this long after `shutdown`; default 3000 ms. */
  shutdownGraceMs?: number;
  /** After a kill, wait at most this long for the processes to be gone; default 1000 ms. */
  killWaitMs?: number;
  /**
   * A solver whose job setup (loading the engine, reading the model, the kind's own setup)
   * has not finished after this long is killed and its slot retired; default 120 000 ms.
   */
  setupTimeoutMs?: number;
  /**
   * The run journal (the port in journal-port.ts; solver/journal's `farmJournal(dataDir)`):
   * every run started without its own `observe` hook is recorded there, and runs(), openRun()
   * and resume() read it (desktop: Electron's userData folder). Without one, no history.
   */
  journal?: RunJournal;
  /**
   * Remote workers (the port in remote-port.ts; solver/remote's `BrokerWorkers` over a
   * RabbitMQ broker): independent tasks are shared with `solver-farm worker` processes;
   * barrier-step jobs run each step on the local and the remote solvers, with one barrier.
   * Races stay local.
   */
  remote?: RemoteWorkers;
  /**
   * Keep the solver processes alive between runs (a warm pool: idle, engines loaded), so a
   * run pays only its setup, not process start. They are started by the first run or by
   * warm(); a force terminate kills them (the next run starts new ones); close() kills them.
   * Default false (a one-run shell such as `solver-farm run` has no use for it).
   */
  keepWarm?: boolean;
  /**
   * OS priority of the solver processes on `os.setPriority`'s scale (0 normal, 10 below
   * normal, 19 lowest; see priority-launcher.ts). Default 0: a headless run may take the
   * machine; the shells with a window (desktop, browser mode) pass below normal.
   */
  solverPriority?: number;
}

// Where the cap lives now (a leaf the CLI checks --cores with); kept importable from here.
export { MAX_CORES, maxCores } from './core-limit.ts';

function checkCores(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(
      `${where}: expected a whole number of cores, 1 or more, got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  const tooMany = tooManyCores(value);
  if (tooMany !== null) {
    throw new RangeError(`${where}: ${value} solver processes is more than this machine takes (${tooMany})`);
  }
  return value;
}

export class Farm implements FarmApi {
  readonly #pool: WarmPool | undefined;
  readonly #cores: number;
  readonly #kinds: ReadonlyMap<string, AnyProblemKind>;
  readonly #examplesDir: string;
  readonly #killWaitMs: number;
  readonly #journal: RunJournal | undefined;
  readonly #events: EventBatcher;
  /** What every run gets (run-start.ts). */
  readonly #runDefaults: RunDefaults;
  #run: Run | undefined;
  /** A start() is between its checks and its run (parsing is async). */
  #starting = false;
  #closed = false;

  constructor(options: FarmOptions) {
    const priority = checkSolverPriority(options.solverPriority ?? 0, 'Farm options.solverPriority');
    const launcher = withPriority(options.launcher, priority);
    this.#pool = options.keepWarm === true ? new WarmPool(launcher) : undefined;
    this.#cores = checkCores(options.cores ?? availableParallelism(), 'Farm options.cores');
    this.#kinds = options.kinds ?? defaultKinds;
    this.#examplesDir = options.examplesDir ?? DEFAULT_EXAMPLES_DIR;
    this.#killWaitMs = options.killWaitMs ?? 1000;
    this.#journal = options.journal;
    this.#events = new EventBatcher(options.eventIntervalMs ?? 16);
    this.#events.setProgressSource(() => this.#run?.progress() ?? null);
    this.#runDefaults = {
      launcher: this.#pool ?? launcher,
      events: this.#events,
      remote: options.remote,
      maxTaskRetries: options.maxTaskRetries ?? 2,
      shutdownGraceMs: options.shutdownGraceMs ?? 3000,
      killWaitMs: this.#killWaitMs,
      setupTimeoutMs: options.setupTimeoutMs ?? 120_000,
    };
  }

  async start(request: StartRequest, options: StartOptions = {}): Promise<RunInfo> {
    const journal = this.#journal;
    const observe = options.observe ?? (journal ? (context: RunContext) => journal.record(context) : undefined);
    let observer: RunObserver | undefined;
    try {
      return await this.#begin(request, {
        ...options,
        ...(observe ? { observe: async (context: RunContext) => (observer = await observe(context)) } : {}),
      });
    } catch (err) {
      // A start that fails leaves nothing behind: the run folder the observer opened and what
      // the caller prepared (a resumed run's lock) are let go here, so no shell repeats it.
      observer?.abandon?.();
      options.abandon?.();
      throw err;
    }
  }

  /** start() itself; its options' observe hook is the one start() chose. */
  async #begin(request: StartRequest, options: StartOptions): Promise<RunInfo> {
    if (this.#closed) throw new Error('the farm is closed');
    const active = this.#run?.active ? this.#run.state : this.#starting ? 'starting' : undefined;
    if (active !== undefined) {
      throw new FarmBusyError(
        `a run is already active (${active}): terminate it or wait for it to end before starting another`,
      );
    }
    this.#starting = true;
    try {
      const requested = request.cores ?? this.#cores;
      checkCores(requested, 'start: cores');
      const { job, policy } = await this.#load(request, options.access ?? JOB_FILE_ACCESS, options.baseDir);
      if (this.#closed) throw new Error('the farm was closed while the job was loading');
      const run = await buildRun(this.#runDefaults, {
        job,
        policy,
        cores: requested,
        options,
        checkOpen: () => {
          if (this.#closed) throw new Error('the farm was closed while the run was being prepared');
        },
      });
      this.#run = run;
      run.start();
      return run.info;
    } finally {
      this.#starting = false;
    }
  }

  /** Where a job's relative paths resolve: its file's folder, or for a page the first folder it may read. */
  #baseDir(source: string, access: JobAccess): string {
    return access.roots === null ? baseDirOf(source) : pageBaseDir(access, source, baseDirOf(source));
  }

  /** Parses and plans a start request's job and its failure policy (located errors); starts nothing. */
  async #load(
    request: StartRequest,
    access: JobAccess,
    baseDir?: string,
  ): Promise<{ job: LoadedJob; policy: ReturnType<typeof parseFailurePolicy> }> {
    let job: LoadedJob;
    if ('example' in request) {
      job = await loadExample(this.#examplesDir, request.example, this.#kinds);
    } else {
      job = await loadJob(
        request.job,
        request.source,
        baseDir ?? this.#baseDir(request.source, access),
        this.#kinds,
        access,
      );
    }
    // The job's failure policy (`policy` block): a located error before anything starts.
    const policy = parseFailurePolicy(job.doc, job.source);
    return { job, policy };
  }

  async terminate(options: { force?: boolean } = {}): Promise<'graceful' | 'force' | 'none'> {
    const run = this.#run;
    if (!run?.active) return 'none';
    return run.terminate(options.force === true);
  }

  /** Answered from the farm's own model: never waits for a solver. */
  async status(): Promise<FarmStatus> {
    return this.snapshot();
  }

  /** The same as status(), synchronously. */
  snapshot(): FarmStatus {
    const run = this.#run;
    return {
      state: run?.state ?? 'idle',
      run: run?.info ?? null,
      solvers: run?.solvers() ?? [],
      progress: run?.progress() ?? null,
      terminate: run?.terminateStage ?? 'none',
      at: Date.now(),
    };
  }

  async examples(): Promise<ExampleJob[]> {
    const entries = await readExamples(this.#examplesDir);
    return entries.map(({ id, name, description, kind }) => ({ id, name, description, kind }));
  }

  /** Past runs in the journal, newest first; [] when the farm keeps no runs (no journal). */
  async runs(): Promise<PastRun[]> {
    return this.#journal?.runs() ?? [];
  }

  /** A past run: a page of its results in plan order (default 5,000), log tails, steps, view. */
  async openRun(runId: string, options?: { offset?: number; limit?: number }): Promise<PastRunDetail> {
    const id = checkRunId('openRun', runId);
    const paging = checkOpenRunOptions(options);
    return this.#needJournal('open').openRun(id, this.#kinds, paging);
  }

  /**
   * Continues a past run in its own folder, as `solver-farm resume` does (the same journal
   * code path): only tasks without a result run (and failed ones with retryFailed), their
   * results append to the same journal, and the run keeps its id. Emits the usual events.
   * The journal prepares the resume (data and hooks); the farm starts it like any run.
   * `access`: what the job may read and load, or how to decide it from the recorded job (a
   * shell serving a page); default a job file's rules (the caller is the user).
   */
  async resume(
    runId: string,
    options?: { retryFailed?: boolean; cores?: number },
    access: JobAccess | ResumeAccess = JOB_FILE_ACCESS,
  ): Promise<RunInfo> {
    const id = checkRunId('resume', runId);
    const { retryFailed, cores } = checkResumeOptions(options);
    if (cores !== undefined) checkCores(cores, 'resume: cores');
    const journal = this.#needJournal('resume');
    if (this.#closed) throw new Error('the farm is closed');
    const active = this.#run?.active ? this.#run.state : this.#starting ? 'starting' : undefined;
    if (active !== undefined) {
      throw new FarmBusyError(
        `a run is already active (${active}): terminate it or wait for it to end before resuming another`,
      );
    }
    const prepared = await journal.prepareResume(id, {
      kinds: this.#kinds,
      access: resumeAccess(access, this.#examplesDir),
      retryFailed: retryFailed === true,
    });
    // start() lets go of the prepared run (its lock) if it fails.
    return this.start(cores === undefined ? prepared.request : { ...prepared.request, cores }, prepared.options);
  }

  /** Reads a model file's text (LP, MPS or glpk.js JSON by its name) and lists its names. */
  async inspectModel(file: ModelFile): Promise<ModelSummary> {
    return inspectModel(checkModelFile(file));
  }

  /**
   * Parses and plans a job as start() would, without starting anything, and without running
   * any code the job names: a custom kind's module is checked, not imported (its counts are
   * then unknown until it starts).
   */
  async preview(request: StartRequest, access: JobAccess = JOB_FILE_ACCESS): Promise<JobPreview> {
    if (request.cores !== undefined) checkCores(request.cores, 'preview: cores');
    const job =
      'example' in request
        ? await loadExample(this.#examplesDir, request.example, this.#kinds)
        : await previewJob(request.job, request.source, this.#baseDir(request.source, access), this.#kinds, access);
    if (!('example' in request)) parseFailurePolicy(request.job, request.source);
    const plan = job.plan;
    const preview: JobPreview = {
      kind: job.kindName,
      name: job.name,
      total: plan?.type === 'tasks' ? plan.count : null,
      steps: plan?.type === 'steps' ? plan.steps : null,
    };
    if (plan?.type === 'tasks' && plan.paramNames) preview.params = plan.paramNames;
    return preview;
  }

  #needJournal(what: string): RunJournal {
    if (this.#journal === undefined) {
      throw new Error(
        `This farm keeps no run history (it was started without a data folder), so it cannot ${what} past runs.`,
      );
    }
    return this.#journal;
  }

  /** Every event batch, at most one per eventIntervalMs. */
  subscribe(listener: FarmListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Resolves with the final state of the current (or last) run; null if there never was one. */
  async finished(): Promise<RunState | null> {
    const run = this.#run;
    if (!run) return null;
    const state = await run.ended;
    this.#events.flush();
    return state;
  }

  /**
   * With `keepWarm`: start the pool's solver processes now (one per core) and resolve when
   * each is ready, so the next run starts on warm processes. Without it: nothing to do.
   */
  async warm(): Promise<void> {
    if (this.#closed || !this.#pool) return;
    await this.#pool.warm(this.#cores);
  }

  /** Quit: kill every solver, wait for them, deliver the last events. */
  async close(): Promise<void> {
    this.#closed = true;
    const run = this.#run;
    if (run?.active) await run.terminate(true);
    await this.#pool?.close(this.#killWaitMs);
    this.#events.flush();
    this.#events.dispose();
  }
}

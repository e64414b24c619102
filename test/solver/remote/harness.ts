/**
 * Helpers of the remote tests: worker processes started like `solver-farm worker`, and a
 * small farm stand-in that plans a custom kind, publishes its tasks through a
 * RemoteDispatcher and collects the results, keeping each task's first one as a run does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskResult } from '../../../solver/api.ts';
import { ResultFactory } from '../../../solver/farm/result-factory.ts';
import { kinds } from '../../../solver/problems/registry.ts';
import type { TaskPlan } from '../../../solver/problems/types.ts';
import { RemoteDispatcher } from '../../../solver/remote/remote-dispatcher.ts';

export const SQUARE_KIND = fileURLToPath(new URL('./fixtures/square-kind.ts', import.meta.url));
/** A job file name beside the square kind (the file need not exist: only its folder matters). */
export const SQUARE_JOB = fileURLToPath(new URL('./fixtures/square.json', import.meta.url));
const CLI = fileURLToPath(new URL('../../../bin/solver-farm.js', import.meta.url));

/** A `solver-farm worker` process. */
export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output matches (rejects after timeoutMs, with the output). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const live = new Set<ChildProcess>();

/** Start `node bin/solver-farm.js worker --broker url --cores n` as its own process. */
export function startWorker(url: string, cores: number): WorkerProcess {
  const args = [CLI, 'worker', '--broker', url, '--cores', String(cores)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(child);
  let text = '';
  const waiters: { pattern: RegExp; resolve(): void }[] = [];
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs = 30_000) {
      if (pattern.test(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`worker output never matched ${pattern}:\n${text}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Only the worker process, as `kill -9 <pid>` would: its solver processes notice the
      // parent is gone and exit by themselves (killAllWorkers reaps the group in any case).
      child.kill(signal);
      await exited;
    },
  };
}

/** Kill every worker process a test left running (afterEach). */
export async function killAllWorkers(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          if (child.pid !== undefined) {
            try {
              process.kill(-child.pid, 'SIGKILL');
            } catch {
              resolve();
            }
          }
        }),
    ),
  );
}

/** What a stand-in farm run collected. */
export interface RemoteRun {
  dispatcher: RemoteDispatcher;
  /** Every first result of a task, in arrival order. */
  results: { slot: number; result: TaskResult }[];
  /** The stand-in's record of answered tasks (1 = has its result), which the dispatcher asks. */
  finished: Uint8Array;
  /** Crashes the workers reported: the tasks from `at` on had no result. */
  crashes: { slot: number; tasks: readonly number[]; at: number; reason: string }[];
  logs: Map<number, string[]>;
  count: number;
  /** Resolves when `count` results arrived (rejects after timeoutMs). */
  done(timeoutMs?: number): Promise<void>;
  /** Resolves when at least n results arrived. */
  reached(n: number, timeoutMs?: number): Promise<void>;
  lines: string[];
  /** The parsed spec and the plan, for checking results in-process. */
  spec: unknown;
  plan: TaskPlan<unknown>;
}

/** A job document for startRemoteRun (default: the square kind). */
export interface RemoteJob {
  doc: { kind: string } & Record<string, unknown>;
  source: string;
  baseDir: string;
}

/** Plan a job (the square kind by default) and publish all its tasks in batches through a RemoteDispatcher. */
export async function startRemoteRun(
  url: string,
  options: {
    count?: number;
    delayMs?: number;
    batchSize: number;
    runId?: string;
    lostAfterMs?: number;
    job?: RemoteJob;
  },
): Promise<RemoteRun> {
  const job: RemoteJob = options.job ?? {
    doc: { kind: 'custom', module: SQUARE_KIND, spec: { count: options.count ?? 10, delayMs: options.delayMs ?? 0 } },
    source: 'remote-test.json',
    baseDir: '/',
  };
  const kind = kinds.get(job.doc.kind);
  if (kind === undefined) throw new Error(`no kind ${job.doc.kind}`);
  // The test names its fixture module by absolute path: this test's own rules allow that folder.
  const access = { roots: null, modules: [dirname(SQUARE_KIND)] };
  const spec = await kind.parse(job.doc, { source: job.source, baseDir: job.baseDir, access });
  const plan = kind.plan(spec) as TaskPlan<unknown>;
  const results: { slot: number; result: TaskResult }[] = [];
  const finished = new Uint8Array(plan.count);
  const crashes: RemoteRun['crashes'] = [];
  const logs = new Map<number, string[]>();
  const lines: string[] = [];
  const waiters: { n: number; resolve(): void }[] = [];
  const factory = new ResultFactory(plan, (task) => JSON.stringify(task));
  const dispatcher = await RemoteDispatcher.open({
    url,
    runId: options.runId ?? `t${Date.now().toString(36)}`,
    kindName: job.doc.kind,
    name: 'remote test',
    spec,
    firstSlot: 0,
    maxTaskRetries: 2,
    backoff: { initialMs: 100, maxMs: 1000 },
    ...(options.lostAfterMs === undefined ? {} : { lostAfterMs: options.lostAfterMs }),
    log: (line) => lines.push(line),
  });
  dispatcher.attach({
    remoteRows(slot, tasks, rows) {
      factory.fromRows(rows, tasks, slot, finished, (result) => {
        finished[result.index] = 1;
        results.push({ slot, result });
      });
      for (const waiter of [...waiters]) {
        if (results.length >= waiter.n) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    },
    remoteCrashed: (slot, tasks, at, reason) => crashes.push({ slot, tasks, at, reason }),
    isFinished: (i) => finished[i] !== 0,
    label: (i) => plan.label(i),
    remoteSolver: () => {},
    remoteLog(slot, got) {
      const list = logs.get(slot) ?? [];
      list.push(...got);
      logs.set(slot, list);
    },
    remoteCapacity: () => {},
    remoteStepDone: () => {},
  });
  for (let start = 0; start < plan.count; start += options.batchSize) {
    const tasks: number[] = [];
    for (let i = start; i < Math.min(plan.count, start + options.batchSize); i++) tasks.push(i);
    dispatcher.submit(tasks);
  }
  const reached = (n: number, timeoutMs = 60_000): Promise<void> =>
    results.length >= n
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          const timer = setTimeout(
            () =>
              reject(
                new Error(
                  `only ${results.length} of ${n} results after ${timeoutMs} ms; dispatcher: ${lines.join(' | ')}`,
                ),
              ),
            timeoutMs,
          );
          waiters.push({
            n,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          });
        });
  return {
    dispatcher,
    results,
    finished,
    crashes,
    logs,
    count: plan.count,
    done: (t) => reached(plan.count, t),
    reached,
    lines,
    spec,
    plan,
  };
}

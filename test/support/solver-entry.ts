/**
 * A built solver entry (solver.mjs) run under plain Node and spoken to over the farm protocol,
 * for the tests that check the bundle as built (test/build) and as packaged (test/packaging).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { TaskResult } from '../../solver/api.ts';
import { ResultFactory } from '../../solver/farm/result-factory.ts';
import { sweep } from '../../solver/problems/sweep.ts';
import type { TaskPlan } from '../../solver/problems/types.ts';
import type { FromSolver, ToSolver } from '../../solver/protocol.ts';

/** A forked solver entry and what it has said so far. */
export interface SolverEntry {
  readonly child: ChildProcess;
  /** Every message received, in order. */
  readonly messages: FromSolver[];
  /** The process's exit code, once it exits. */
  readonly exited: Promise<number | null>;
  /**
   * The first message of type `t` passing `test`; rejects (with stderr) on an error, a failed
   * setup, an exit or the time limit.
   */
  next(t: FromSolver['t'], test?: (m: FromSolver) => boolean): Promise<FromSolver>;
  send(message: ToSolver): void;
}

/**
 * Forks `entry` in its own folder as the farm does (JSON IPC, no exec args), waiting at most
 * `timeoutMs` for each expected message.
 */
export function forkSolverEntry(entry: string, timeoutMs: number): SolverEntry {
  const child = fork(entry, [], {
    cwd: path.dirname(entry),
    serialization: 'json',
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const messages: FromSolver[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (m) => {
    messages.push(m as FromSolver);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    messages,
    exited,
    async next(t, test = () => true) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((m) => m.t === t && test(m));
        if (found) return found;
        const failed = messages.find((m) => m.t === 'error' || m.t === 'setup-failed');
        if (failed) throw new Error(`the solver failed: ${JSON.stringify(failed)}\n${stderr}`);
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no '${t}' from the solver:\n${stderr}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    send(message) {
      child.send(message);
    },
  };
}

/** The Wyndor sweep example (wyndor-sweep.json in `examplesDir`), parsed and planned as the farm would. */
export async function wyndorSweep(examplesDir: string): Promise<{ spec: unknown; plan: TaskPlan<unknown> }> {
  const doc = JSON.parse(readFileSync(path.join(examplesDir, 'wyndor-sweep.json'), 'utf8')) as unknown;
  const spec = await sweep.parse(doc, { source: 'wyndor-sweep.json', baseDir: examplesDir });
  return { spec, plan: sweep.plan(spec) as TaskPlan<unknown> };
}

/**
 * The farm protocol's handshake and one batch: ready, set up for the sweep, solve the tasks at
 * `indices` (a `run` batch); returns every result, read from the `rows` as the farm reads them.
 */
export async function solveSweepBatch(
  solver: SolverEntry,
  spec: unknown,
  plan: TaskPlan<unknown>,
  indices: readonly number[],
): Promise<(TaskResult & { i: number })[]> {
  expect(await solver.next('ready')).toMatchObject({ t: 'ready', pid: solver.child.pid });
  solver.send({ t: 'setup', kind: 'sweep', spec, solver: 0, seed: 1 });
  await solver.next('setup-done');
  solver.send({ t: 'run', batch: 1, i: [...indices] });
  await solver.next('rows', (m) => m.t === 'rows' && m.done);
  const factory = new ResultFactory(plan, () => '');
  const finished = new Uint8Array(plan.count);
  const results: (TaskResult & { i: number })[] = [];
  for (const m of solver.messages) {
    if (m.t === 'rows') factory.fromRows(m, indices, 0, finished, (r) => results.push({ ...r, i: r.index }));
  }
  return results;
}

/** Asks the solver to shut down; resolves with its exit code. */
export async function shutDown(solver: SolverEntry): Promise<number | null> {
  solver.send({ t: 'shutdown' });
  return solver.exited;
}

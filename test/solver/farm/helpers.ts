/**
 * Shared set-up of the farm process tests: a Farm on real solver processes (Node
 * launcher), a record of every event batch with its arrival time, and small waits.
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { FarmEvent, SolverStatus, TaskResult } from '../../../solver/api.ts';
import { Farm, type FarmOptions } from '../../../solver/farm/farm.ts';
import type { SolverHandle, SolverLauncher } from '../../../solver/farm/launcher.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';

/** Folder of the fixture kinds; jobs use it as their "file" location. */
export const KINDS_DIR = fileURLToPath(new URL('../../fixtures/kinds/', import.meta.url));
/** A job file name inside the fixtures folder (the file need not exist: only its folder matters). */
export const JOB_SOURCE = `${KINDS_DIR}test-job.json`;

/** A custom job on a fixture kind. */
export function customJob(module: string, spec: Record<string, unknown>): { job: unknown; source: string } {
  return { job: { kind: 'custom', module: `./${module}`, spec }, source: JOB_SOURCE };
}

/** One delivered batch, with when it arrived. */
export interface Delivery {
  at: number;
  events: FarmEvent[];
}

/** A Node launcher that counts and remembers the processes it starts. */
export class CountingLauncher implements SolverLauncher {
  readonly inner: NodeLauncher;
  readonly launched: SolverHandle[] = [];

  constructor(inner = new NodeLauncher()) {
    this.inner = inner;
  }

  launch(slot: number): SolverHandle {
    const handle = this.inner.launch(slot);
    this.launched.push(handle);
    return handle;
  }
}

/** A farm under test with its event record. */
export class FarmHarness {
  readonly farm: Farm;
  readonly launcher: CountingLauncher;
  readonly record: Delivery[] = [];

  constructor(options: Partial<FarmOptions> & { launcher?: CountingLauncher } = {}) {
    this.launcher = options.launcher ?? new CountingLauncher();
    this.farm = new Farm({ cores: 2, ...options, launcher: this.launcher });
    this.farm.subscribe((events) => this.record.push({ at: Date.now(), events }));
  }

  /** Every event, flattened in delivery order. */
  events(): FarmEvent[] {
    return this.record.flatMap((d) => d.events);
  }

  results(): TaskResult[] {
    return this.events().flatMap((e) => (e.type === 'results' ? e.results : []));
  }

  solverEvents(): SolverStatus[] {
    return this.events().flatMap((e) => (e.type === 'solver' ? [e.solver] : []));
  }

  logLines(solver?: number): string[] {
    return this.events().flatMap((e) =>
      e.type === 'log' && (solver === undefined || e.solver === solver) ? e.lines : [],
    );
  }

  /** Every pid any solver process of this harness had. */
  pids(): number[] {
    return this.launcher.launched.flatMap((h) => (h.pid === undefined ? [] : [h.pid]));
  }

  async close(): Promise<void> {
    await this.farm.close();
  }
}

/** Poll until `check` returns a truthy value, or fail after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 45_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether a process with this pid exists (signal 0 probes without signalling). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Starts 40 spin tasks (t4 onward 1 s each, after four fast ones that teach the scheduler
 * large batches), stops gracefully while t4 runs, and returns when the stop was asked:
 * the stop-inside-a-batch scenario both the terminate and warm-pool tests check.
 */
export async function gracefulStopDuringLongTask(h: FarmHarness): Promise<number> {
  const slow: Record<string, number> = {};
  for (let i = 4; i < 40; i++) slow[String(i)] = 1000;
  await h.farm.start(customJob('spin.ts', { tasks: 40, ms: 1, slow }));
  await waitFor('a long task running', () =>
    h.farm.snapshot().solvers.some((s) => s.state === 'solving' && s.task === 't4'),
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const requestedAt = Date.now();
  expect(await h.farm.terminate()).toBe('graceful');
  expect(await h.farm.finished()).toBe('stopped');
  return requestedAt;
}

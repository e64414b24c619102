/**
 * `solver-farm worker` and signals, against a real RabbitMQ: SIGTERM takes no more batches
 * and lets the running one finish within `--grace` (then stops), and a worker that is
 * SIGKILLed mid-solve leaves no solver process behind (DESIGN 'Trust boundaries').
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { childPids, isRunning } from '../../support/processes.ts';
import { rabbitAvailable, startRabbit, type TestBroker } from '../../support/rabbitmq.ts';
import { type RemoteRun, startRemoteRun } from './harness.ts';

const CLI = fileURLToPath(new URL('../../../bin/solver-farm.js', import.meta.url));

// Without the broker installed a developer's run skips this file; CI installs it and must run it.
const skip = (!rabbitAvailable() && process.env.CI === undefined) || process.platform !== 'linux';

interface Worker {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; ms: number }>;
}

const started: ChildProcess[] = [];

/** `solver-farm worker` in its own process group (so cleanup can reap its solvers too). */
function startWorker(url: string, args: string[]): Worker {
  const child = spawn(process.execPath, [CLI, 'worker', '--broker', url, '--cores', '1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.push(child);
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (t: string) => {
    text += t;
  });
  child.stderr?.setEncoding('utf8').on('data', (t: string) => {
    text += t;
  });
  const t0 = Date.now();
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, ms: Date.now() - t0 })),
  );
  return { child, output: () => text, exited };
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The worker's one solver, once it is solving a batch of `run`. */
async function solving(worker: Worker, run: RemoteRun): Promise<number> {
  await until(() => run.dispatcher.solvers().some((s) => s.state === 'solving'), 30_000, 'a solving solver');
  const pids = childPids(worker.child.pid as number);
  expect(pids).toHaveLength(1);
  return pids[0] as number;
}

describe.skipIf(skip)('solver-farm worker and signals', () => {
  let broker: TestBroker;
  const runs: RemoteRun[] = [];

  beforeAll(async () => {
    broker = await startRabbit();
  }, 90_000);

  afterEach(async () => {
    for (const run of runs.splice(0)) await run.dispatcher.close();
    for (const child of started.splice(0)) {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  afterAll(async () => {
    await broker?.dispose();
  }, 60_000);

  it('SIGTERM: the running batch finishes and is delivered, then the worker exits (code 0)', async () => {
    const worker = startWorker(broker.url, []);
    await until(() => /waiting for runs/.test(worker.output()), 30_000, 'the worker');
    const run = await startRemoteRun(broker.url, { count: 3, delayMs: 2500, batchSize: 1 });
    runs.push(run);
    const solver = await solving(worker, run);
    worker.child.kill('SIGTERM');
    const { code, ms } = await worker.exited;
    expect(code, worker.output()).toBe(0);
    expect(worker.output()).toContain('SIGTERM: draining running tasks for up to 10 s, then stopping them');
    // Well before the 10 s grace: it waited for the one running batch, not for the grace.
    expect(ms).toBeLessThan(8000);
    await run.reached(1, 5000);
    expect(run.results.map((r) => r.result.status)).toEqual(['optimal']);
    expect(isRunning(solver)).toBe(false);
  });

  it('SIGTERM with --grace 1: a batch that would take a minute is stopped after 1 s', async () => {
    const worker = startWorker(broker.url, ['--grace', '1']);
    await until(() => /waiting for runs/.test(worker.output()), 30_000, 'the worker');
    const run = await startRemoteRun(broker.url, { count: 2, delayMs: 60_000, batchSize: 1 });
    runs.push(run);
    const solver = await solving(worker, run);
    const t0 = Date.now();
    worker.child.kill('SIGTERM');
    const { code } = await worker.exited;
    const ms = Date.now() - t0;
    expect(code, worker.output()).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(5000);
    expect(worker.output()).toContain('stopping: unfinished batches go back to the queue');
    expect(isRunning(solver)).toBe(false);
  });

  it('SIGKILL mid-solve: the solver process is gone within 2 s', async () => {
    const worker = startWorker(broker.url, []);
    await until(() => /waiting for runs/.test(worker.output()), 30_000, 'the worker');
    const run = await startRemoteRun(broker.url, { count: 2, delayMs: 60_000, batchSize: 1 });
    runs.push(run);
    const solver = await solving(worker, run);
    const t0 = Date.now();
    worker.child.kill('SIGKILL');
    await worker.exited;
    while (isRunning(solver) && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 20));
    expect(isRunning(solver)).toBe(false);
  });
});

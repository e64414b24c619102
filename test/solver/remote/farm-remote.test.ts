/**
 * The Farm with a broker: local solver processes and remote `solver-farm worker` processes
 * share one run; the run journal gets every result exactly once. Real RabbitMQ, real processes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FarmEvent, RunInfo, SolverStatus, TaskResult } from '../../../solver/api.ts';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { SOLVER_PRIORITIES } from '../../../solver/farm/priority-launcher.ts';
import { farmJournal } from '../../../solver/journal/farm-journal.ts';
import { BrokerWorkers } from '../../../solver/remote/broker-workers.ts';
import { kindModuleIn } from '../../support/kind-module.ts';
import { rabbitAvailable } from '../../support/rabbitmq.ts';
import { SQUARE_JOB, SQUARE_KIND, startWorker } from './harness.ts';
import { brokerFarmSuite } from './helpers.ts';

const CLI = fileURLToPath(new URL('../../../bin/solver-farm.js', import.meta.url));
const skip = !rabbitAvailable() && process.env.CI === undefined;

function squareJob(count: number, delayMs: number, crashFromSolver?: number) {
  // A job file beside the fixture kind: its module loads only from the job's own folder.
  const spec = crashFromSolver === undefined ? { count, delayMs } : { count, delayMs, crashFromSolver };
  return { job: { kind: 'custom', module: './square-kind.ts', spec }, source: SQUARE_JOB };
}

/** Every index 0..count-1 exactly once, with the right answer. */
function expectExactlyOnce(results: TaskResult[], count: number): void {
  expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
  for (const r of results) expect(r.objective).toBe(r.index * r.index);
}

describe.skipIf(skip)('a farm with remote workers', () => {
  const suite = brokerFarmSuite();
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sf-remote-farm-'));
  });

  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const openFarm = () => suite.openFarm({ journal: farmJournal(dataDir) });

  const resultsOf = (events: FarmEvent[]): TaskResult[] =>
    events.flatMap((e) => (e.type === 'results' ? e.results : []));

  const journal = (info: RunInfo): TaskResult[] =>
    readFileSync(join(info.dir ?? '', 'results.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as TaskResult);

  it('shares a sweep between its local core and two remote workers; the journal has each result once', async () => {
    const w1 = startWorker(suite.broker.url, 1);
    const w2 = startWorker(suite.broker.url, 1);
    await Promise.all([w1.waitFor(/waiting for runs/), w2.waitFor(/waiting for runs/)]);
    const { farm, events } = openFarm();
    // Long enough (400 × 15 ms over 3 solvers) to read the remote processes' priority mid-run.
    const info = await farm.start(squareJob(400, 15));
    // Remote solvers show up beside the local core, with their host.
    await expect
      .poll(() => farm.snapshot().solvers.filter((s: SolverStatus) => s.host !== undefined).length, {
        timeout: 20_000,
      })
      .toBe(2);
    // A lent machine's solvers run below normal priority (solver-farm worker's default).
    await expect
      .poll(() => farm.snapshot().solvers.filter((s) => s.host !== undefined && s.pid !== undefined).length, {
        timeout: 20_000,
      })
      .toBe(2);
    for (const s of farm.snapshot().solvers.filter((x) => x.host !== undefined)) {
      expect(getPriority(s.pid as number)).toBe(SOLVER_PRIORITIES['below-normal']);
    }
    expect(await farm.finished()).toBe('done');
    const results = resultsOf(events);
    expectExactlyOnce(results, 400);
    expectExactlyOnce(journal(info), 400);
    // Local slot 0 and remote slots 1 and 2 all did part of it.
    expect(new Set(results.map((r) => r.solver))).toEqual(new Set([0, 1, 2]));
    const remote = farm.snapshot().solvers.filter((s) => s.host !== undefined);
    expect(remote.map((s) => s.id).sort()).toEqual([1, 2]);
    // Remote log lines arrive as the remote slots' logs.
    const logSlots = new Set(events.flatMap((e) => (e.type === 'log' ? [e.solver] : [])));
    expect(logSlots.has(1) && logSlots.has(2)).toBe(true);
    // The workers left the run and wait for the next.
    await Promise.all([w1.waitFor(/leaving run/), w2.waitFor(/leaving run/)]);
  });

  it('finishes with every result once when its only remote worker is SIGKILLed mid-run', async () => {
    const w1 = startWorker(suite.broker.url, 1);
    await w1.waitFor(/waiting for runs/);
    const { farm, events } = openFarm();
    const info = await farm.start(squareJob(300, 8));
    await expect
      .poll(() => resultsOf(events).filter((r) => r.solver === 1).length, { timeout: 20_000 })
      .toBeGreaterThan(10);
    await w1.kill('SIGKILL');
    // The batches the worker held come back to the broker; the local core takes the tail back.
    expect(await farm.finished()).toBe('done');
    expectExactlyOnce(resultsOf(events), 300);
    expectExactlyOnce(journal(info), 300);
  });

  it("a remote solver's crash is the farm's to judge: its tasks come back and run locally, the worker gives the slot up", async () => {
    const w1 = startWorker(suite.broker.url, 1);
    await w1.waitFor(/waiting for runs/);
    const { farm, events } = openFarm();
    // Every solver past the local slot 0 dies at its first task.
    const info = await farm.start(squareJob(400, 5, 1));
    expect(await farm.finished()).toBe('done');
    // Each crash was reported, charged by the farm's policy and retried on the local core.
    const results = resultsOf(events);
    expectExactlyOnce(results, 400);
    expectExactlyOnce(journal(info), 400);
    expect(results.every((r) => r.status === 'optimal' && r.solver === 0)).toBe(true);
    // The worker restarted its solver by the farm's rule, then gave the slot up and left the run.
    await w1.waitFor(/leaving run \S+: no solver left: .*crashed 4 times in a row/);
    expect(w1.output().match(/solver 1 \(pid \d+\) died/g)?.length).toBe(4);
    expect(w1.child.exitCode).toBeNull();
  });

  it('fails the tasks of a remote crash past the retries as SolverCrashed, like a local one', async () => {
    const w1 = startWorker(suite.broker.url, 1);
    await w1.waitFor(/waiting for runs/);
    const { farm, events } = suite.openFarm({ maxTaskRetries: 0 });
    await farm.start(squareJob(400, 5, 1));
    expect(await farm.finished()).toBe('done');
    const results = resultsOf(events);
    expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    const failed = results.filter((r) => r.status === 'error');
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) {
      expect(r.solver).toBe(1);
      expect(r.error?.name).toBe('SolverCrashed');
      expect(r.error?.message).toMatch(
        /^the solver process died 1 times .*\(last time solver 1: .*\); gave up after 0 retries$/,
      );
    }
    for (const r of results.filter((x) => x.status !== 'error')) expect(r.objective).toBe(r.index * r.index);
  });

  it('solver-farm run --broker: two workers, one SIGKILLed mid-run, every result exactly once', async () => {
    const w1 = startWorker(suite.broker.url, 1);
    const w2 = startWorker(suite.broker.url, 1);
    await Promise.all([w1.waitFor(/waiting for runs/), w2.waitFor(/waiting for runs/)]);
    const jobFile = join(dataDir, 'square.json');
    const module = kindModuleIn(dataDir, SQUARE_KIND);
    writeFileSync(jobFile, JSON.stringify({ kind: 'custom', module, spec: { count: 400, delayMs: 8 } }));
    const out = join(dataDir, 'cli-run');
    const run = spawn(
      process.execPath,
      [CLI, 'run', jobFile, '--cores', '1', '--out', out, '--broker', suite.broker.url],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let text = '';
    run.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    run.stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => run.once('exit', (code) => resolve(code)));
    try {
      // Kill one worker once it has done some of the work.
      await w1.waitFor(/joining run/);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await w1.kill('SIGKILL');
      expect(run.exitCode, 'the run should still be going when the worker dies').toBeNull();
      expect(await exited, text).toBe(0);
    } finally {
      run.kill('SIGKILL');
    }
    const results = readFileSync(join(out, 'results.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as TaskResult);
    expectExactlyOnce(results, 400);
    // Work was shared: the local core (slot 0) and at least one remote slot.
    const solvers = new Set(results.map((r) => r.solver));
    expect(solvers.has(0)).toBe(true);
    expect([...solvers].some((s) => s >= 1)).toBe(true);
  });

  it('solver-farm run --broker with nothing listening: one clear line, no run', async () => {
    const jobFile = join(dataDir, 'square-small.json');
    const module = kindModuleIn(dataDir, SQUARE_KIND);
    writeFileSync(jobFile, JSON.stringify({ kind: 'custom', module, spec: { count: 3, delayMs: 0 } }));
    const run = spawn(
      process.execPath,
      [CLI, 'run', jobFile, '--out', join(dataDir, 'never'), '--broker', 'amqp://u:p@127.0.0.1:1/x'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    run.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => run.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^solver-farm: cannot reach the broker at amqp:\/\/127\.0\.0\.1:1\/x \(connection refused/);
  });

  it('refuses to start with a clear error when the broker cannot be reached', async () => {
    const remote = new BrokerWorkers('amqp://u:p@127.0.0.1:1/x');
    const farm = suite.track(new Farm({ launcher: new NodeLauncher(), cores: 1, remote }));
    await expect(farm.start(squareJob(3, 0))).rejects.toThrow(
      /^cannot reach the broker at amqp:\/\/127\.0\.0\.1:1\/x \(connection refused/,
    );
    expect(farm.snapshot().state).toBe('idle');
  });
});

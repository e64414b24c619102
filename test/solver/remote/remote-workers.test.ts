/**
 * Remote solving against a real RabbitMQ (Debian's rabbitmq-server, started here on
 * 127.0.0.1 and stopped afterwards): worker processes started like `solver-farm worker`,
 * real solver processes under them, a RemoteDispatcher on the farm side.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SweepSpec, sweep } from '../../../solver/problems/sweep.ts';
import { rabbitAvailable, startRabbit, type TestBroker } from '../../support/rabbitmq.ts';
import { killAllWorkers, type RemoteRun, startRemoteRun, startWorker } from './harness.ts';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

// Without the broker installed a developer's run skips this file; CI installs it and must run it.
const skip = !rabbitAvailable() && process.env.CI === undefined;

/** Every plan index exactly once, each with the right answer. */
function expectExactlyOnce(run: RemoteRun): void {
  const indexes = run.results.map((r) => r.result.index).sort((a, b) => a - b);
  expect(indexes).toEqual(Array.from({ length: run.count }, (_, i) => i));
  for (const { result } of run.results) {
    expect(result.status).toBe('optimal');
    expect(result.objective).toBe(result.index * result.index);
  }
}

describe.skipIf(skip)('remote workers over RabbitMQ', () => {
  let broker: TestBroker;
  const runs: RemoteRun[] = [];

  beforeAll(async () => {
    broker = await startRabbit();
  }, 90_000);

  afterEach(async () => {
    for (const run of runs.splice(0)) await run.dispatcher.close();
    await killAllWorkers();
  });

  afterAll(async () => {
    await killAllWorkers();
    await broker?.dispose();
  }, 60_000);

  it('splits a sweep over two worker processes and gets every result exactly once', async () => {
    const w1 = startWorker(broker.url, 1);
    const w2 = startWorker(broker.url, 1);
    await Promise.all([w1.waitFor(/waiting for runs/), w2.waitFor(/waiting for runs/)]);
    const run = await startRemoteRun(broker.url, { count: 400, delayMs: 2, batchSize: 8 });
    runs.push(run);
    await run.done();
    expectExactlyOnce(run);
    // Both workers took part, each under its own farm-wide slot, with its own solver pid.
    const slots = new Set(run.results.map((r) => r.slot));
    expect(slots.size).toBe(2);
    const pids = new Set(run.results.map((r) => r.result.values?.pid));
    expect(pids.size).toBe(2);
    // Remote solvers are modelled like local ones: host, pid, tasks done.
    const solvers = run.dispatcher.solvers();
    expect(solvers.map((s) => s.id).sort()).toEqual([...slots].sort());
    for (const solver of solvers) {
      expect(solver.host).toBeTruthy();
      expect(pids.has(solver.pid)).toBe(true);
    }
    await expect.poll(() => run.dispatcher.solvers().reduce((n, s) => n + s.tasksDone, 0)).toBe(400);
    // Solver log lines travel back per slot.
    for (const slot of slots)
      expect(run.logs.get(slot)?.some((line) => /^x=\d+ solved by pid \d+$/.test(line))).toBe(true);
    expect(run.dispatcher.stats.duplicatesDropped).toBe(0);

    // Ending the run deletes its queues; the workers leave it and stay up for the next one.
    const runQueues = (await broker.ctl('list_queues', '-p', broker.vhost, 'name', '--quiet')).trim();
    expect(runQueues).toContain('.tasks');
    await run.dispatcher.close();
    runs.length = 0;
    await Promise.all([w1.waitFor(/leaving run/), w2.waitFor(/leaving run/)]);
    const after = (await broker.ctl('list_queues', '-p', broker.vhost, 'name', '--quiet')).trim();
    expect(after).not.toContain('solver-farm.run.');
    expect(w1.child.exitCode).toBeNull();

    // The same workers serve the next run (fresh solver processes set up with its model).
    const next = await startRemoteRun(broker.url, { count: 30, delayMs: 5, batchSize: 3 });
    runs.push(next);
    await next.done();
    expectExactlyOnce(next);
    expect(new Set(next.results.map((r) => r.result.values?.pid)).size).toBe(2);
    for (const { result } of next.results) expect(pids.has(result.values?.pid)).toBe(false);
  });

  it('runs the Wyndor sweep on remote GLPK solvers with the same answers as an in-process solve', async () => {
    const w1 = startWorker(broker.url, 1);
    const w2 = startWorker(broker.url, 1);
    await Promise.all([w1.waitFor(/waiting for runs/), w2.waitFor(/waiting for runs/)]);
    const doc = JSON.parse(readFileSync(join(EXAMPLES, 'wyndor-sweep.json'), 'utf8'));
    const run = await startRemoteRun(broker.url, {
      batchSize: 32,
      job: { doc: { ...doc, msglev: 'off' }, source: 'wyndor-sweep.json', baseDir: EXAMPLES },
    });
    runs.push(run);
    await run.done();
    const indexes = run.results.map((r) => r.result.index).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: run.count }, (_, i) => i));
    expect(run.count).toBe(901);
    // The reference: the same kind solving the same tasks in this process.
    const state = await sweep.setup(run.spec as SweepSpec, { solver: 99, seed: 1, log: () => {} });
    for (const { result } of run.results) {
      const local = sweep.solve?.(state, run.plan.task(result.index) as number[], {
        solver: 99,
        seed: 1,
        log: () => {},
      });
      expect(result.status).toBe(local?.status);
      expect(result.objective).toBeCloseTo(local?.objective ?? Number.NaN, 6);
      expect(result.values).toEqual(local?.values);
    }
    expect(new Set(run.results.map((r) => r.slot)).size).toBe(2);
  });

  it('loses nothing when a worker is SIGKILLed mid-run: its batches are redelivered', async () => {
    const w1 = startWorker(broker.url, 1);
    const w2 = startWorker(broker.url, 1);
    await Promise.all([w1.waitFor(/waiting for runs/), w2.waitFor(/waiting for runs/)]);
    const run = await startRemoteRun(broker.url, { count: 300, delayMs: 12, batchSize: 6, lostAfterMs: 2500 });
    runs.push(run);
    await run.reached(40);
    const killedPid = w1.child.pid;
    await w1.kill('SIGKILL');
    await run.done();
    expectExactlyOnce(run);
    // The survivor got the dead worker's unacknowledged batches back from the broker.
    expect(w2.output()).toMatch(/batch \d+ redelivered/);
    // The dead worker's solver is shown as lost once it has been silent for lostAfterMs.
    await expect
      .poll(() => run.dispatcher.solvers().find((s) => s.reason?.includes(`(pid ${killedPid})`))?.state, {
        timeout: 10_000,
      })
      .toBe('crashed');
    const redelivered = w2.output().match(/redelivered/g)?.length ?? 0;
    console.log(
      `kill test: ${redelivered} batch(es) redelivered, ${run.dispatcher.stats.duplicatesDropped} duplicate result(s) dropped`,
    );
  });

  it('survives a broker restart mid-run (both sides reconnect, nothing lost, nothing twice)', async () => {
    const w1 = startWorker(broker.url, 1);
    const w2 = startWorker(broker.url, 1);
    await Promise.all([w1.waitFor(/waiting for runs/), w2.waitFor(/waiting for runs/)]);
    const run = await startRemoteRun(broker.url, { count: 300, delayMs: 10, batchSize: 6 });
    runs.push(run);
    await run.reached(40);
    await broker.stop();
    await broker.start();
    await run.done(90_000);
    expectExactlyOnce(run);
    expect(run.dispatcher.stats.reconnects).toBeGreaterThanOrEqual(1);
    await Promise.all([w1.waitFor(/reconnected to/), w2.waitFor(/reconnected to/)]);
    console.log(
      `restart test: broker restart took ${broker.startTimesMs.at(-1)} ms; ${run.dispatcher.stats.duplicatesDropped} duplicate result(s) dropped; ${run.dispatcher.stats.batchesRepublished} batch(es) republished`,
    );
  }, 120_000);

  it('lets a worker stop on SIGTERM mid-run: its batches go back to the queue, the other finishes them', async () => {
    const w1 = startWorker(broker.url, 1);
    const w2 = startWorker(broker.url, 1);
    await Promise.all([w1.waitFor(/waiting for runs/), w2.waitFor(/waiting for runs/)]);
    const run = await startRemoteRun(broker.url, { count: 200, delayMs: 12, batchSize: 5 });
    runs.push(run);
    await run.reached(30);
    await w1.kill('SIGTERM');
    expect((await w1.exited).code).toBe(0);
    expect(w1.output()).toContain('stopping: unfinished batches go back to the queue');
    await run.done();
    expectExactlyOnce(run);
    // The farm saw it leave (a `bye`), not just go silent.
    expect(run.lines.some((line) => line.includes(`(pid ${w1.child.pid}) left: worker stopped`))).toBe(true);
  });

  it('drops the late remote copy of a task the farm took back and solved itself', async () => {
    const run = await startRemoteRun(broker.url, { count: 40, delayMs: 0, batchSize: 8 });
    runs.push(run);
    // No worker yet: the farm's cores would idle, so it takes every outstanding task back…
    const back = run.dispatcher.takeBack();
    expect([...back].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(run.dispatcher.takeBack()).toEqual([]);
    // …and solves them itself: the run's record says so, the dispatcher keeps none of its own.
    for (const i of back) run.finished[i] = 1;
    expect(run.dispatcher.outstandingBatches).toBe(0);
    // …and when a worker shows up and solves the queued copies, every one is a duplicate.
    startWorker(broker.url, 1);
    await expect.poll(() => run.dispatcher.stats.duplicatesDropped, { timeout: 30_000 }).toBe(40);
    expect(run.results).toEqual([]);
  });

  it('says clearly when the password is wrong, the vhost does not exist, or nothing listens', async () => {
    const wrong = broker.url.replace(`:${encodeURIComponent(broker.password)}@`, ':not-the-password@');
    const badPassword = startWorker(wrong, 1);
    expect((await badPassword.exited).code).toBe(1);
    expect(badPassword.output()).toContain(
      `broker refused the login for user '${broker.user}' at amqp://127.0.0.1:${broker.port}/${broker.vhost}: check the user and password`,
    );
    expect(badPassword.output()).not.toContain('not-the-password');

    const noVhost = startWorker(broker.url.replace(/\/[^/]+$/, '/no-such-vhost'), 1);
    expect((await noVhost.exited).code).toBe(1);
    expect(noVhost.output()).toContain("did not let user 'solver-farm' open vhost 'no-such-vhost'");

    const { freePort } = await import('../../support/rabbitmq.ts');
    const port = await freePort();
    const nobody = startWorker(`amqp://u:p@127.0.0.1:${port}/x`, 1);
    expect((await nobody.exited).code).toBe(1);
    expect(nobody.output()).toContain(`cannot reach the broker at amqp://127.0.0.1:${port}/x (connection refused`);

    // The farm side fails the same way, before it publishes anything.
    await expect(
      startRemoteRun(`amqp://u:p@127.0.0.1:${port}/x`, { count: 1, delayMs: 0, batchSize: 1 }),
    ).rejects.toThrow(/cannot reach the broker at amqp:\/\/127\.0\.0\.1:\d+\/x/);
    await expect(startRemoteRun(wrong, { count: 1, delayMs: 0, batchSize: 1 })).rejects.toMatchObject({
      code: 'auth',
    });
  });
});

/**
 * SIGTERM (what `kill`, `timeout`, systemd and container runtimes send) stops `run` and
 * `serve` with a bounded grace (DESIGN 'Trust boundaries'): running tasks may finish within
 * `--grace S` (default 10 s), then the solvers are killed. Real CLI processes, real solvers.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../../solver/api.ts';
import { childPids, isRunning } from '../../support/processes.ts';
import { type CliRun, killAll, ROOT, signalGroup, startCli, waitFor } from './run-cli.ts';
import { serveTsp } from './serve-tsp.ts';
import { removeSlowJobs, slowJob } from './slow-job.ts';

let tmp: string;
const lines = (file: string): string[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];

/** Waits until both solvers of `run` (started with --logs) are inside a task of `ms`. */
async function bothBlocking(run: CliRun, ms: number): Promise<number[]> {
  const blocking = (core: number) => new RegExp(`\\[core ${core}\\] task \\d+ is blocking for ${ms} ms`);
  await waitFor(
    () => (blocking(1).test(run.out.stdout) && blocking(2).test(run.out.stdout)) || run.child.exitCode !== null,
    30_000,
    'both solvers inside a long task',
  );
  expect(run.child.exitCode, run.out.stderr).toBeNull();
  const solvers = childPids(run.child.pid as number);
  expect(solvers).toHaveLength(2);
  return solvers;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'solver-farm-sigterm-'));
});
afterEach(() => {
  killAll();
  removeSlowJobs();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(process.platform !== 'linux')('SIGTERM', () => {
  it('`run --grace 1`: drains for 1 s, then kills the solvers; exit 1, finished results journaled', async () => {
    const out = join(tmp, 'grace-1');
    const run = startCli(
      ['run', slowJob({ tasks: 6, ms: 60_000, quick: 2 }), '--cores', '2', '--logs', '--grace', '1', '--out', out],
      ROOT,
    );
    const solvers = await bothBlocking(run, 60_000);
    await waitFor(() => lines(join(out, 'results.jsonl')).length === 2, 10_000, 'the quick results journaled');
    const t0 = Date.now();
    // Only the CLI, as `kill PID` or `docker stop` would.
    run.child.kill('SIGTERM');
    const r = await run.done;
    const ms = Date.now() - t0;
    expect(r.code, r.stderr).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(4000);
    expect(r.stderr).toContain('SIGTERM: draining running tasks for up to 1 s, then stopping them');
    expect(r.stdout).toMatch(/^Stopped: 2 of 6 tasks done/m);
    const results = lines(join(out, 'results.jsonl')).map((l) => JSON.parse(l) as TaskResult);
    expect(results.map((x) => [x.index, x.status])).toEqual([
      [0, 'optimal'],
      [1, 'optimal'],
    ]);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({ status: 'stopped', done: 2 });
    expect(existsSync(join(out, 'run.lock'))).toBe(false);
    expect(solvers.filter(isRunning)).toEqual([]);
  });

  it('`run`, SIGTERM to the whole group (as `timeout` or systemd): running tasks finish within the default grace', async () => {
    const out = join(tmp, 'group');
    const run = startCli(['run', slowJob({ tasks: 6, ms: 3000 }), '--cores', '2', '--logs', '--out', out], ROOT);
    const solvers = await bothBlocking(run, 3000);
    // Usually 2; 3 when one solver was ready much later than the other (a loaded machine).
    const started = new Set(run.out.stdout.match(/task \d+ starts/g)).size;
    const t0 = Date.now();
    // The solvers get the signal too: stopping them stays the farm's decision.
    signalGroup(run, 'SIGTERM');
    const r = await run.done;
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('SIGTERM: draining running tasks for up to 10 s, then stopping them');
    expect(r.stderr).not.toMatch(/crashed/);
    // Every task that was running finished and was journaled.
    expect(r.stdout).toContain(`Stopped: ${started} of 6 tasks done, 0 failed`);
    const results = lines(join(out, 'results.jsonl')).map((l) => JSON.parse(l) as TaskResult);
    expect(results).toHaveLength(started);
    expect(results.every((x) => x.status === 'optimal')).toBe(true);
    expect(solvers.filter(isRunning)).toEqual([]);
  });

  it('`run`: Ctrl-C during the grace kills the solvers at once', async () => {
    const run = startCli(
      ['run', slowJob({ tasks: 4, ms: 60_000 }), '--cores', '2', '--logs', '--grace', '30', '--out', join(tmp, 'int')],
      ROOT,
    );
    await bothBlocking(run, 60_000);
    run.child.kill('SIGTERM');
    await waitFor(() => run.out.stderr.includes('SIGTERM: draining'), 5000, 'the draining line');
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('Killing the solvers');
  });

  describe('`serve`', () => {
    it('finishes the running step within the grace, records it, then closes (exit 0)', async () => {
      const dir = join(tmp, 'serve-drain');
      const { run, solvers } = await serveTsp(dir, 2500, []);
      const t0 = Date.now();
      run.child.kill('SIGTERM');
      const r = await run.done;
      expect(Date.now() - t0).toBeLessThan(8000);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('SIGTERM: draining running tasks for up to 10 s, then stopping them');
      const [runId] = readdirSync(join(dir, 'runs'));
      const runDir = join(dir, 'runs', runId as string);
      expect(lines(join(runDir, 'steps.jsonl'))).toHaveLength(1);
      expect(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'))).toMatchObject({ status: 'stopped' });
      expect(statSync(runDir).isDirectory()).toBe(true);
      expect(solvers.filter(isRunning)).toEqual([]);
    });

    it('--grace 1: a step that would take a minute is killed after 1 s', async () => {
      const { run, solvers } = await serveTsp(join(tmp, 'serve-grace'), 60_000, ['--grace', '1']);
      const t0 = Date.now();
      run.child.kill('SIGTERM');
      const r = await run.done;
      const ms = Date.now() - t0;
      expect(r.code, r.stderr).toBe(0);
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(4000);
      expect(solvers.filter(isRunning)).toEqual([]);
    });
  });
});

/**
 * The real CLI with real solver processes: results files, exit codes, job errors,
 * Ctrl-C, logs. Expected optima come from the Wyndor formula, not from a previous run.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StepSummary, TaskResult } from '../../../solver/api.ts';
import { kindModuleIn } from '../../support/kind-module.ts';
import { killAll, ROOT, runCli, signalGroup, startCli, waitFor } from './run-cli.ts';

let tmp: string;
const wyndor = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, 'examples/wyndor-sweep.json'), 'utf8')) as Record<string, unknown>;
const lines = (file: string): string[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
/** Wyndor: max 300 d + P w, d ≤ 4, 2w ≤ 12, 3d + 2w ≤ 18 → vertices (4,3) and (2,6). */
const optimum = (p: number): number => Math.max(1200 + 3 * p, 600 + 6 * p);

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'solver-farm-cli-'));
});
afterEach(() => killAll());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('solver-farm run', () => {
  it('runs the Wyndor sweep on 2 cores and writes every result', async () => {
    const out = join(tmp, 'wyndor');
    const r = await runCli(['run', 'examples/wyndor-sweep.json', '--cores', '2', '--out', out]);
    expect(r.stderr).not.toContain('\r');
    expect(r.stdout).not.toContain('\r');
    expect(r.code, r.stderr).toBe(0);

    const results = lines(join(out, 'results.jsonl')).map((l) => JSON.parse(l) as TaskResult);
    expect(results).toHaveLength(901);
    const indices = new Set(results.map((x) => x.index));
    expect(indices.size).toBe(901);
    for (const x of results) {
      const p = x.params?.P as number;
      expect(p).toBe(100 + x.index);
      expect(x.status).toBe('optimal');
      expect(x.objective).toBeCloseTo(optimum(p), 6);
      // Which solver did it depends on timing (a late solver may get nothing on a busy machine).
      expect([0, 1]).toContain(x.solver);
    }

    const csv = readFileSync(join(out, 'results.csv'), 'utf8').split('\r\n');
    expect(csv.at(-1)).toBe('');
    csv.pop();
    expect(csv).toHaveLength(902);
    const header = (csv[0] as string).split(',');
    expect(header.slice(0, 10)).toEqual([
      'index',
      'id',
      'label',
      'solver',
      'status',
      'objective',
      'timeMs',
      'P',
      'doors',
      'windows',
    ]);
    // Rows in plan order; the label "P=100" has no comma, so a naive split is fine here.
    const row = (csv[501] as string).split(',');
    expect(row[0]).toBe('500');
    expect(row[2]).toBe('P=600');
    expect(Number(row[5])).toBeCloseTo(optimum(600), 6);
    expect(Number(row[7])).toBe(600);

    // The run journal's summary and job record (solver/journal).
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ status: 'done', done: 901, failed: 0, total: 901 });
    const jobFile = JSON.parse(readFileSync(join(out, 'job.json'), 'utf8')) as Record<string, unknown>;
    expect(jobFile).toMatchObject({ source: join(ROOT, 'examples/wyndor-sweep.json'), taskCount: 901, cores: 2 });
    expect(r.stdout).toMatch(/Finished: 901 of 901 tasks done, 0 failed/);
    expect(r.stdout).toContain(`Best objective (max): ${optimum(1000)} at P=1000`);
    expect(r.stdout).toContain(out);
  });

  it('writes to runs/<run id>/ under the current folder when --out is omitted', async () => {
    const cwd = join(tmp, 'default-out');
    const job = wyndor();
    job.grid = [{ name: 'P', objective: 'windows', from: 100, to: 104, step: 1 }];
    rmSync(cwd, { recursive: true, force: true });
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'small.json'), JSON.stringify(job));
    const r = await runCli(['run', 'small.json', '--cores', '1'], cwd);
    expect(r.code, r.stderr).toBe(0);
    const m = /Files: (runs\/[^/\s]+)\//.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const dir = join(cwd, m?.[1] as string);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(lines(join(dir, 'results.jsonl'))).toHaveLength(5);
  });

  describe('bad job files: exit 2 and one line naming file, place and expectation', () => {
    const bad = async (name: string, text: string | null) => {
      const file = join(tmp, name);
      if (text !== null) writeFileSync(file, text);
      const r = await runCli(['run', file, '--cores', '1']);
      expect(r.code).toBe(2);
      const errLines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(errLines, r.stderr).toHaveLength(1);
      expect(errLines[0]).toContain(file);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      return errLines[0] as string;
    };

    it('JSON syntax error: file, line and column', async () => {
      const line = await bad('syntax.json', '{\n  "kind": "sweep",\n  "name" "x"\n}\n');
      expect(line).toContain('syntax.json:3:10:');
      expect(line).toContain("expected ':' after the property name");
    });

    it('wrong type at a JSON path', async () => {
      const job = wyndor();
      (job.grid as Record<string, unknown>[])[0] = {
        name: 'P',
        objective: 'windows',
        from: 100,
        to: 1000,
        step: 'one',
      };
      const line = await bad('wrong-type.json', JSON.stringify(job, null, 2));
      expect(line).toContain('$.grid[0].step');
      expect(line).toMatch(/expected a finite number, got "one"/);
      // Named as typed: a relative path stays relative.
      const rel = await runCli(['run', 'wrong-type.json'], tmp);
      expect(rel.code).toBe(2);
      expect(rel.stderr).toBe('solver-farm: wrong-type.json: $.grid[0].step: expected a finite number, got "one"\n');
    });

    it('unknown kind', async () => {
      const line = await bad('unknown-kind.json', JSON.stringify({ kind: 'warp-drive' }));
      expect(line).toContain('$.kind');
      expect(line).toContain('expected');
      expect(line).toContain('warp-drive');
    });

    it('missing file', async () => {
      const line = await bad('does-not-exist.json', null);
      expect(line).toContain('no such job file');
    });
  });

  it('--out on a file: exit 2 before any solver starts, one line', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const r = await runCli(['run', 'examples/wyndor-sweep.json', '--out', join(file, 'sub')]);
    expect(r.code).toBe(2);
    const errLines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(errLines).toEqual([
      `solver-farm: --out ${join(file, 'sub')}: cannot create or write this folder: ${file} is a file, expected a folder`,
    ]);
  });

  it('--logs streams each core’s lines tagged [core N]', async () => {
    const job = wyndor();
    job.grid = [{ name: 'P', objective: 'windows', from: 100, to: 139, step: 1 }];
    job.msglev = 'on';
    const file = join(tmp, 'logs.json');
    writeFileSync(file, JSON.stringify(job));
    const r = await runCli(['run', file, '--cores', '2', '--out', join(tmp, 'logs-out'), '--logs']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n').filter((l) => l !== '');
    const tagged = out.filter((l) => /^\[core [12]\] /.test(l));
    // GLPK's own simplex iteration lines ("*     2: obj =   1.5e+03 …"), at least two per solve.
    const simplex = tagged.filter((l) => /^\[core [12]\] \*\s+\d+: obj = /.test(l));
    expect(simplex.length).toBeGreaterThanOrEqual(80);
    // Every line on stdout before the summary is a tagged log line.
    const summaryAt = out.findIndex((l) => l.startsWith('Finished:'));
    expect(summaryAt).toBeGreaterThan(0);
    expect(tagged).toHaveLength(summaryAt);
    expect(r.stdout + r.stderr).not.toContain('\r');
  });

  it('a failed task: exit 1, the error is in results.jsonl and in the CSV error column', async () => {
    const crash = kindModuleIn(tmp, join(ROOT, 'test/fixtures/kinds/crash.ts'));
    const file = join(tmp, 'one-fails.json');
    writeFileSync(
      file,
      JSON.stringify({ kind: 'custom', module: crash, spec: { tasks: 6, ms: 1, on: 2, how: 'throw' } }),
    );
    const out = join(tmp, 'one-fails');
    const r = await runCli(['run', file, '--cores', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/Finished: 5 of 6 tasks done, 1 failed/);
    const results = lines(join(out, 'results.jsonl')).map((l) => JSON.parse(l) as TaskResult);
    expect(results).toHaveLength(6);
    const failed = results.filter((x) => x.status === 'error');
    expect(failed.map((x) => x.index)).toEqual([2]);
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').split('\r\n');
    expect(csv[0]?.split(',').at(-1)).toBe('error');
    expect(csv[3]).toMatch(/^2,.*,error,,.*,[^,]+$/);
  });

  it('a run that fails (every solver fails setup): exit 1 and the reason', async () => {
    const crash = kindModuleIn(tmp, join(ROOT, 'test/fixtures/kinds/crash.ts'));
    const file = join(tmp, 'setup-fails.json');
    writeFileSync(
      file,
      JSON.stringify({ kind: 'custom', module: crash, spec: { tasks: 6, ms: 1, on: 0, how: 'setup' } }),
    );
    const r = await runCli(['run', file, '--cores', '2', '--out', join(tmp, 'setup-fails')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^Run failed: 0 of 6 tasks done/m);
    expect(r.stdout).toMatch(/setup failed/);
  });

  it('Ctrl-C once stops gracefully: finished results are written, exit 1', async () => {
    const job = wyndor();
    job.grid = [{ name: 'P', objective: 'windows', from: 1, to: 2_000_000, step: 1 }];
    job.maxTasks = 2_000_000;
    job.msglev = 'off';
    const file = join(tmp, 'big.json');
    writeFileSync(file, JSON.stringify(job));
    const out = join(tmp, 'big-out');
    const run = startCli(['run', file, '--cores', '2', '--out', out]);
    const jsonl = join(out, 'results.jsonl');
    await waitFor(
      () => (existsSync(jsonl) && statSync(jsonl).size > 0) || run.child.exitCode !== null,
      30_000,
      'the first results',
    );
    expect(run.child.exitCode, run.out.stderr).toBeNull();
    // Like a terminal: SIGINT goes to the CLI and its solver processes alike.
    signalGroup(run, 'SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('Stopping: finishing running tasks… press Ctrl-C again to kill the solvers');
    expect(r.stdout).toMatch(/Stopped: [\d,]+ of 2,000,000 tasks done/);
    const results = lines(jsonl).map((l) => JSON.parse(l) as TaskResult);
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThan(2_000_000);
    for (const x of results.slice(0, 1000)) expect(x.objective).toBeCloseTo(optimum(x.params?.P as number), 6);
    // Graceful: nothing was cut short, so no task failed.
    expect(results.every((x) => x.status === 'optimal')).toBe(true);
    expect(lines(join(out, 'results.csv'))).toHaveLength(results.length + 1);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ status: 'stopped', done: results.length });
  });
  it('a stopped run resumes in its folder: only the missing tasks run, `runs` lists it', async () => {
    const root = join(tmp, 'resume-root');
    mkdirSync(root, { recursive: true });
    const job = wyndor();
    const total = 300_000;
    job.grid = [{ name: 'P', objective: 'windows', from: 1, to: total, step: 1 }];
    job.maxTasks = total;
    job.msglev = 'off';
    writeFileSync(join(root, 'resume.json'), JSON.stringify(job));
    const run = startCli(['run', 'resume.json', '--cores', '2'], root);
    await waitFor(() => /results in (runs\/\S+)/.test(run.out.stderr), 30_000, 'the run folder');
    const dir = /results in (runs\/\S+)/.exec(run.out.stderr)?.[1] as string;
    const jsonl = join(root, dir, 'results.jsonl');
    await waitFor(
      () => (existsSync(jsonl) && statSync(jsonl).size > 0) || run.child.exitCode !== null,
      30_000,
      'the first results',
    );
    signalGroup(run, 'SIGINT');
    const first = await run.done;
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toContain(`Continue with: solver-farm resume ${dir}`);
    const before = lines(jsonl).length;
    expect(before).toBeLessThan(total);

    const listed = await runCli(['runs', '--json'], root);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ status: 'stopped', done: before, total }]);

    const second = await runCli(['resume', dir, '--cores', '2'], root);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Finished: 300,000 of 300,000 tasks done, 0 failed/);
    const results = lines(jsonl).map((l) => JSON.parse(l) as TaskResult);
    // Every task exactly once: nothing done before was solved again.
    expect(results).toHaveLength(total);
    expect(new Set(results.map((x) => x.index)).size).toBe(total);
    for (const x of results.filter((_, k) => k % 997 === 0)) {
      expect(x.objective).toBeCloseTo(optimum(x.params?.P as number), 6);
    }
    expect(readFileSync(join(root, dir, 'results.csv'), 'utf8').split('\r\n')).toHaveLength(total + 2);
    const after = await runCli(['runs', '--json'], root);
    expect(JSON.parse(after.stdout)).toMatchObject([{ status: 'done', done: total, total }]);
  });

  it('Ctrl-C twice kills the solvers at once: exit 1, no waiting for running tasks', async () => {
    const file = join(tmp, 'slow.json');
    const kind = kindModuleIn(tmp, join(ROOT, 'test/solver/cli/fixtures/slow-kind.ts'));
    writeFileSync(file, JSON.stringify({ kind: 'custom', module: kind, spec: { tasks: 6, ms: 60_000 } }));
    const out = join(tmp, 'slow-out');
    const run = startCli(['run', file, '--cores', '2', '--out', out, '--logs']);
    // Both solvers are inside a 60 s task.
    await waitFor(
      () => /\[core 1\] task \d starts/.test(run.out.stdout) && /\[core 2\] task \d starts/.test(run.out.stdout),
      30_000,
      'both solvers busy',
    );
    const t0 = Date.now();
    signalGroup(run, 'SIGINT');
    await waitFor(() => run.out.stderr.includes('Stopping:'), 5000, 'the stopping message');
    signalGroup(run, 'SIGINT');
    const r = await run.done;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('Killing the solvers');
    expect(r.stdout).toMatch(/Stopped: 0 of 6 tasks done/);
    expect(existsSync(join(out, 'results.csv'))).toBe(true);
  });
});

describe('solver-farm run on the TSP example', () => {
  it('ends within 1% of berlin52’s optimum 7542 and writes the steps and the tour', async () => {
    const out = join(tmp, 'tsp');
    const r = await runCli(['run', 'examples/tsp-berlin52.json', '--cores', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const job = JSON.parse(readFileSync(join(ROOT, 'examples/tsp-berlin52.json'), 'utf8')) as {
      steps: number;
      instance: string;
    };
    const steps = lines(join(out, 'steps.jsonl')).map((l) => JSON.parse(l) as StepSummary);
    expect(steps).toHaveLength(job.steps);
    const best = steps.at(-1)?.best as number;
    expect(best).toBeLessThanOrEqual(7542 * 1.01);
    expect(best).toBeGreaterThanOrEqual(7542);

    // The tour file is a permutation of the 52 cities whose length is the reported best.
    const coords = readTsplib(join(ROOT, 'examples', job.instance));
    const tourText = lines(join(out, 'best-tour.tour'));
    const start = tourText.indexOf('TOUR_SECTION') + 1;
    const tour = tourText.slice(start, tourText.indexOf('-1')).map((l) => Number(l) - 1);
    expect([...tour].sort((a, b) => a - b)).toEqual(coords.map((_, i) => i));
    expect(tourLength(coords, tour)).toBe(best);
    expect(r.stdout).toMatch(/Best tour length: \d+/);
  });
});

function readTsplib(file: string): [number, number][] {
  const text = readFileSync(file, 'utf8').split('\n');
  const from = text.findIndex((l) => l.trim() === 'NODE_COORD_SECTION') + 1;
  const out: [number, number][] = [];
  for (const l of text.slice(from)) {
    const f = l.trim().split(/\s+/);
    if (f[0] === 'EOF' || f.length < 3) break;
    out.push([Number(f[1]), Number(f[2])]);
  }
  return out;
}

/** TSPLIB EUC_2D: distances rounded to the nearest integer. */
function tourLength(c: [number, number][], tour: number[]): number {
  let sum = 0;
  for (let i = 0; i < tour.length; i++) {
    const a = c[tour[i] as number] as [number, number];
    const b = c[tour[(i + 1) % tour.length] as number] as [number, number];
    sum += Math.round(Math.hypot(a[0] - b[0], a[1] - b[1]));
  }
  return sum;
}

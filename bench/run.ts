/**
 * `npm run bench`: the farm against a single in-process loop and against piscina, in ONE
 * run on the same (noisy, shared) machine, so the ratios compare like with like. Each
 * measurement is repeated BENCH_REPS times (default 3) and the best time is kept.
 *
 * a. tiny sweep: Wyndor with P over BENCH_TINY_TASKS (default 100,000) points.
 *    - single loop: the sweep kind's own parse/plan/setup once, then solve() per point;
 *    - farm: `cores` solver processes (default 2), the same kind code;
 *    - piscina: `cores` threads, the same kind code set up once per thread, 256 points per
 *      run() call, points and results as Float64Arrays.
 * b. medium sweep: BENCH_MEDIUM_TASKS (default 200) 60×60 transport LPs generated from a
 *    seed inside the solver (bench/transport-kind.ts): parallel efficiency
 *    = single-loop time / (cores × farm time).
 *
 * Farm times are shown two ways (see farm-timing.ts): `work` (from the first solver ready
 * to the end: what the targets judge) and `wall` (including process start and setup).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { RunState } from '../solver/api.ts';
import { openFarm } from '../solver/cli/open-farm.ts';
import { sweep } from '../solver/problems/sweep.ts';
import type { SolverContext } from '../solver/problems/types.ts';
import { timeFarmRun } from './farm-timing.ts';
import transportKind from './transport-kind.ts';

const CORES = Number(process.env.BENCH_CORES ?? Math.min(2, availableParallelism()));
const REPS = Number(process.env.BENCH_REPS ?? 3);
const TINY = Number(process.env.BENCH_TINY_TASKS ?? 100_000);
const MEDIUM = Number(process.env.BENCH_MEDIUM_TASKS ?? 200);
const BATCH = 256;

const root = fileURLToPath(new URL('../', import.meta.url));
const ctx: SolverContext = { solver: 0, seed: 1, log: () => {} };

const wyndor = JSON.parse(readFileSync(`${root}examples/wyndor-sweep.json`, 'utf8')) as Record<string, unknown>;
const tinyJob = {
  ...wyndor,
  name: `bench: Wyndor, P over ${TINY} points`,
  grid: [{ name: 'P', objective: 'windows', from: 1, to: TINY, step: 1 }],
  msglev: 'off',
  maxTasks: TINY,
};
const transportModule = fileURLToPath(new URL('./transport-kind.ts', import.meta.url));
const mediumSpec = { size: 60, tasks: MEDIUM, seed: 1 };
const mediumJob = { kind: 'custom', module: transportModule, spec: mediumSpec };

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

// --- a. tiny sweep -------------------------------------------------------------------

async function tinySingle(): Promise<number> {
  const spec = await sweep.parse(tinyJob, { source: 'bench-tiny.json', baseDir: root });
  const plan = sweep.plan(spec);
  if (plan.type !== 'tasks') throw new Error('sweep plans tasks');
  const state = await sweep.setup(spec, ctx);
  const solve = sweep.solve as NonNullable<typeof sweep.solve>;
  let bad = 0;
  const t0 = performance.now();
  for (let i = 0; i < plan.count; i++) {
    if (solve(state, plan.task(i), ctx).status !== 'optimal') bad++;
  }
  const ms = performance.now() - t0;
  if (bad > 0) throw new Error(`single loop: ${bad} tasks not optimal`);
  return ms;
}

async function tinyPiscina(): Promise<number> {
  const pool = new Piscina({
    filename: new URL('./piscina-sweep-worker.ts', import.meta.url).href,
    minThreads: CORES,
    maxThreads: CORES,
    idleTimeout: 60_000,
    workerData: { job: tinyJob, values: ['doors', 'windows'] },
  });
  try {
    // Warm-up: every thread loads glpk.js and sets the model up before the clock starts.
    await Promise.all(Array.from({ length: CORES * 2 }, () => pool.run(new Float64Array([1]))));
    const points = new Float64Array(TINY);
    for (let i = 0; i < TINY; i++) points[i] = 1 + i;
    const t0 = performance.now();
    const runs: Promise<Float64Array>[] = [];
    for (let at = 0; at < TINY; at += BATCH) {
      const chunk = points.slice(at, Math.min(TINY, at + BATCH));
      // 2 KB per call: a structured-clone copy costs less than bookkeeping a transfer.
      runs.push(pool.run(chunk) as Promise<Float64Array>);
    }
    const outs = await Promise.all(runs);
    const ms = performance.now() - t0;
    const solved = outs.reduce((n, o) => n + o.length / 3, 0);
    if (solved !== TINY) throw new Error(`piscina solved ${solved} of ${TINY}`);
    return ms;
  } finally {
    await pool.destroy();
  }
}

interface FarmFigures {
  workMs: number;
  wallMs: number;
}

async function farmOnce(label: string, job: unknown, source: string, expected: number): Promise<FarmFigures> {
  // A fresh farm per repetition: every figure includes the same start-up conditions.
  const farm = openFarm(CORES);
  try {
    const t = await timeFarmRun(farm, job, source, CORES);
    check(t.state, t.results, t.failed, expected, label);
    return { workMs: t.workMs, wallMs: t.wallMs };
  } finally {
    await farm.close();
  }
}

function check(state: RunState, results: number, failed: number, expected: number, label: string): void {
  if (state !== 'done' || results !== expected || failed > 0) {
    throw new Error(`${label}: run ${state} with ${results}/${expected} results, ${failed} failed`);
  }
}

// --- b. medium sweep -----------------------------------------------------------------

async function mediumSingle(): Promise<number> {
  const spec = await transportKind.parse(mediumSpec, { source: 'bench-medium.json', baseDir: root });
  const plan = transportKind.plan(spec);
  if (plan.type !== 'tasks') throw new Error('transport plans tasks');
  const state = await transportKind.setup(spec, ctx);
  const solve = transportKind.solve as NonNullable<typeof transportKind.solve>;
  const t0 = performance.now();
  for (let i = 0; i < plan.count; i++) {
    if (solve(state, plan.task(i), ctx).status !== 'optimal')
      throw new Error(`transport seed ${plan.task(i)} not optimal`);
  }
  return performance.now() - t0;
}

// --- report --------------------------------------------------------------------------

interface Row {
  measure: string;
  value: string;
  target: string;
  pass: boolean | null;
}

function table(rows: Row[]): string {
  const head = ['measure', 'value', 'target', ''];
  const cells = rows.map((r) => [r.measure, r.value, r.target, r.pass === null ? '' : r.pass ? 'PASS' : 'MISS']);
  const widths = head.map((h, k) => Math.max(h.length, ...cells.map((c) => (c[k] as string).length)));
  const line = (c: string[]) =>
    c
      .map((x, k) => x.padEnd(widths[k] as number))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  log(
    `Solver Farm bench: ${CORES} cores (machine has ${availableParallelism()}), best of ${REPS}, node ${process.version}`,
  );
  // Repetitions are interleaved (single, farm, piscina, single, …) so that a burst of load
  // from elsewhere on the machine hits every contender, not just one of them.
  log(`a. tiny sweep: Wyndor, ${TINY.toLocaleString('en-US')} tasks`);
  let single = Number.POSITIVE_INFINITY;
  let pisc = Number.POSITIVE_INFINITY;
  const farm: FarmFigures = { workMs: Number.POSITIVE_INFINITY, wallMs: Number.POSITIVE_INFINITY };
  for (let i = 1; i <= REPS; i++) {
    const s1 = await tinySingle();
    const f = await farmOnce('farm', tinyJob, `${root}bench/tiny.json`, TINY);
    const p = await tinyPiscina();
    log(
      `  #${i}: single ${s1.toFixed(0)} ms, farm ${f.workMs.toFixed(0)} ms (wall ${f.wallMs.toFixed(0)}), piscina ${p.toFixed(0)} ms → ` +
        `speed-up ${(s1 / f.workMs).toFixed(2)}×, piscina/farm ${(p / f.workMs).toFixed(2)}×`,
    );
    single = Math.min(single, s1);
    pisc = Math.min(pisc, p);
    farm.workMs = Math.min(farm.workMs, f.workMs);
    farm.wallMs = Math.min(farm.wallMs, f.wallMs);
  }
  log(`b. medium sweep: 60×60 transport LP from a seed, ${MEDIUM} tasks`);
  let mSingle = Number.POSITIVE_INFINITY;
  const mFarm: FarmFigures = { workMs: Number.POSITIVE_INFINITY, wallMs: Number.POSITIVE_INFINITY };
  for (let i = 1; i <= REPS; i++) {
    const s1 = await mediumSingle();
    const f = await farmOnce('farm', mediumJob, `${root}bench/medium.json`, MEDIUM);
    log(
      `  #${i}: single ${s1.toFixed(0)} ms, farm ${f.workMs.toFixed(0)} ms (wall ${f.wallMs.toFixed(0)}) → ` +
        `efficiency ${((100 * s1) / (CORES * f.workMs)).toFixed(1)}%`,
    );
    mSingle = Math.min(mSingle, s1);
    mFarm.workMs = Math.min(mFarm.workMs, f.workMs);
    mFarm.wallMs = Math.min(mFarm.wallMs, f.wallMs);
  }

  const rate = (ms: number, n: number) => `${Math.round((n / ms) * 1000).toLocaleString('en-US')} tasks/s`;
  const speedup = single / farm.workMs;
  const vsPiscina = pisc / farm.workMs;
  const eff = mSingle / (CORES * mFarm.workMs);
  const rows: Row[] = [
    { measure: 'tiny: single loop', value: `${single.toFixed(0)} ms (${rate(single, TINY)})`, target: '', pass: null },
    {
      measure: `tiny: farm, ${CORES} cores`,
      value: `${farm.workMs.toFixed(0)} ms (${rate(farm.workMs, TINY)}); wall ${farm.wallMs.toFixed(0)} ms`,
      target: '',
      pass: null,
    },
    {
      measure: `tiny: piscina, ${CORES} threads`,
      value: `${pisc.toFixed(0)} ms (${rate(pisc, TINY)})`,
      target: '',
      pass: null,
    },
    {
      measure: 'tiny: farm speed-up vs single loop',
      value: `${speedup.toFixed(2)}×`,
      target: '≥ 1.80×',
      pass: speedup >= 1.8,
    },
    {
      measure: 'tiny: farm speed vs piscina',
      value: `${vsPiscina.toFixed(2)}× (piscina ms / farm ms)`,
      target: '≥ 1.00×',
      pass: vsPiscina >= 1,
    },
    {
      measure: 'tiny: farm speed-up, wall (incl. start-up)',
      value: `${(single / farm.wallMs).toFixed(2)}×`,
      target: '(info)',
      pass: null,
    },
    {
      measure: 'medium: single loop',
      value: `${mSingle.toFixed(0)} ms (${(mSingle / MEDIUM).toFixed(1)} ms/task)`,
      target: '',
      pass: null,
    },
    {
      measure: `medium: farm, ${CORES} cores`,
      value: `${mFarm.workMs.toFixed(0)} ms; wall ${mFarm.wallMs.toFixed(0)} ms`,
      target: '',
      pass: null,
    },
    { measure: 'medium: parallel efficiency', value: `${(eff * 100).toFixed(1)}%`, target: '≥ 95%', pass: eff >= 0.95 },
    {
      measure: 'medium: efficiency, wall (incl. start-up)',
      value: `${((mSingle / (CORES * mFarm.wallMs)) * 100).toFixed(1)}%`,
      target: '(info)',
      pass: null,
    },
  ];
  process.stdout.write(`\n${table(rows)}\n`);
}

await main();

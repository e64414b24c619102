/**
 * `npm run bench`: the farm against a single in-process loop and against piscina, in ONE
 * run on the same (noisy, shared) machine, so the ratios compare like with like. The
 * contenders run interleaved, BENCH_REPS times (default 3); ratios are paired within a
 * repetition, and CPU-time rows (bench/cpu.ts) show the farm's cost even when other load
 * distorts wall-clock figures.
 *
 * a. tiny sweep: Wyndor with P over BENCH_TINY_TASKS (default 100,000) points.
 *    - single loop: the sweep kind's own parse/plan/setup once, then solve() per point, in a
 *      fresh process like a solver's (bench/single-loop.ts);
 *    - farm: `cores` solver processes (default 2), the same kind code;
 *    - piscina: `cores` threads, the same kind code set up once per thread, 256 points per
 *      run() call, points and results as Float64Arrays.
 * b. medium sweep: BENCH_MEDIUM_TASKS (default 200) 60×60 transport LPs generated from a
 *    seed inside the solver (bench/transport-kind.ts): parallel efficiency
 *    = single-loop time / (cores × farm time).
 *
 * Every contender is timed at STEADY STATE: before its clock, each process or thread has
 * solved WARM_TINY (WARM_MEDIUM) tasks untimed, so JIT and wasm tier-up and heap growth are
 * behind all of them alike (bench/jobs.ts). The farm is a WARM farm (FarmOptions.keepWarm:
 * processes started, engines loaded, warm-up runs done) that lives through the repetitions,
 * as piscina's pool does; the single loop is a fresh process per repetition that warms up
 * first. A cold run's start-up is printed apart. Farm times are shown two ways (see farm-timing.ts):
 * `work` (from the first solver set up for the run to the end: what the targets judge) and
 * `wall` (from start(), the run's setup included). CPU rows: this process (all threads)
 * and the solver processes (/proc/PID/stat) during the timed run only.
 */
import { execFile } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { RunState } from '../solver/api.ts';
import { Farm } from '../solver/farm/farm.ts';
import { NodeLauncher } from '../solver/farm/node-launcher.ts';
import { cpuSample, cpuSince, processesCpuMs } from './cpu.ts';
import { timeFarmRun } from './farm-timing.ts';
import { BATCH, CORES, MEDIUM, mediumJob, REPS, root, TINY, tinyJob, WARM_MEDIUM, WARM_TINY } from './jobs.ts';
import type { LoopTiming } from './single-loop.ts';
import { wireBytes } from './wire-bytes.ts';

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

// --- a. tiny sweep -------------------------------------------------------------------

/** The single-core baseline in a fresh process (see single-loop.ts), after `warm` untimed solves. */
function singleLoop(which: 'tiny' | 'medium', warm: number): Promise<LoopTiming> {
  const script = fileURLToPath(new URL('./single-loop.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, which, String(warm)], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`single loop (${which}) failed: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout) as LoopTiming);
    });
  });
}

/** The tiny sweep's points, BATCH per run() call. */
function tinyChunks(): Float64Array[] {
  const chunks: Float64Array[] = [];
  for (let at = 0; at < TINY; at += BATCH) {
    const chunk = new Float64Array(Math.min(BATCH, TINY - at));
    for (let k = 0; k < chunk.length; k++) chunk[k] = 1 + at + k;
    chunks.push(chunk);
  }
  return chunks;
}

/** A piscina pool of CORES threads, each set up once; `time()` runs the tiny sweep once. */
async function openPiscina(): Promise<{ time(): Promise<number>; close(): Promise<void> }> {
  const pool = new Piscina({
    filename: new URL('./piscina-sweep-worker.ts', import.meta.url).href,
    minThreads: CORES,
    maxThreads: CORES,
    idleTimeout: 600_000,
    workerData: { job: tinyJob, values: ['doors', 'windows'] },
  });
  const pass = async (): Promise<number> => {
    // 2 KB per call: a structured-clone copy costs less than bookkeeping a transfer.
    const chunks = tinyChunks();
    const t0 = performance.now();
    const outs = (await Promise.all(chunks.map((c) => pool.run(c)))) as Float64Array[];
    const ms = performance.now() - t0;
    const solved = outs.reduce((n, o) => n + o.length / 3, 0);
    if (solved !== TINY) throw new Error(`piscina solved ${solved} of ${TINY}`);
    return ms;
  };
  // Warm-up, like the farm's: every thread sets up, then ~WARM_TINY solves per thread.
  await Promise.all(Array.from({ length: CORES * 2 }, () => pool.run(new Float64Array([1]))));
  for (let n = 0; n < WARM_TINY * CORES; n += TINY) await pass();
  return { time: pass, close: () => pool.destroy() };
}

interface FarmFigures {
  workMs: number;
  wallMs: number;
  /** CPU ms of this (the farm's main) process during the run. */
  mainCpuMs: number;
  /** CPU ms of the solver processes during the run (from /proc/PID/stat), or null off Linux. */
  solverCpuMs: number | null;
  /** Share of work time the solvers spent inside solve() (sum over solvers / cores × work). */
  busy: number;
  /** Mean solve time per task as measured inside the solvers. */
  solveMsPerTask: number;
}

/**
 * A WARM farm, as the desktop keeps it (FarmOptions.keepWarm) and as piscina's pool is warm:
 * the solver processes are started and ready, and warm-up runs of `job` (~`warm` solves per
 * solver) loaded their engines and brought them to steady state before any clock starts.
 * Each `time()` is one timed run, which pays its own setup (the model is sent and prepared
 * per run). CPU figures cover the timed run only.
 */
async function openFarm(
  label: string,
  job: unknown,
  source: string,
  expected: number,
  warm: number,
): Promise<{ time(): Promise<FarmFigures>; close(): Promise<void> }> {
  const farm = new Farm({ launcher: new NodeLauncher(), cores: CORES, keepWarm: true });
  await farm.warm();
  for (let n = 0; n < warm * CORES; n += expected) {
    const w = await timeFarmRun(farm, job, source, CORES);
    check(w.state, w.results, w.failed, expected, `${label} (warm-up)`);
  }
  const time = async (): Promise<FarmFigures> => {
    const pids = farm.snapshot().solvers.flatMap((s) => (s.pid === undefined ? [] : [s.pid]));
    const cpu0 = cpuSample();
    const solvers0 = processesCpuMs(pids);
    const t = await timeFarmRun(farm, job, source, CORES);
    const cpu = cpuSince(cpu0);
    const solvers1 = processesCpuMs(pids);
    check(t.state, t.results, t.failed, expected, label);
    const solveMs = t.solveMsBySolver.reduce((a, b) => a + (b ?? 0), 0);
    return {
      workMs: t.workMs,
      wallMs: t.wallMs,
      mainCpuMs: cpu.selfMs,
      solverCpuMs: solvers0 === null || solvers1 === null ? null : solvers1 - solvers0,
      busy: solveMs / (CORES * t.workMs),
      solveMsPerTask: solveMs / expected,
    };
  };
  return { time, close: () => farm.close() };
}

/** A cold run of `CORES` tasks (processes started for it, as `solver-farm run` does): its wall time. */
async function coldStart(job: unknown, source: string): Promise<number> {
  const farm = new Farm({ launcher: new NodeLauncher(), cores: CORES });
  try {
    const t = await timeFarmRun(farm, job, source, CORES);
    check(t.state, t.results, t.failed, CORES, 'cold start');
    return t.wallMs;
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

type Timed = LoopTiming;

/**
 * How much parallel throughput the machine gives right now for a workload: CORES copies of
 * its single loop run at once (separate processes, nothing shared) against one alone. On
 * CORES free cores this is CORES×; other load, shared physical cores or memory bandwidth
 * make it less, and no parallel contender (farm or piscina) can do better than this ceiling.
 */
async function parallelCeiling(which: 'tiny' | 'medium' = 'tiny'): Promise<number> {
  const warm = which === 'tiny' ? WARM_TINY : WARM_MEDIUM;
  const alone = await singleLoop(which, warm);
  const together = await Promise.all(Array.from({ length: CORES }, () => singleLoop(which, warm)));
  return (CORES * alone.ms) / Math.max(...together.map((t) => t.ms));
}

async function timed(fn: () => Promise<number>): Promise<Timed> {
  const cpu0 = cpuSample();
  const ms = await fn();
  return { ms, cpuMs: cpuSince(cpu0).selfMs };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const minOf = (xs: number[]): number => Math.min(...xs);
const maxOf = (xs: number[]): number => Math.max(...xs);
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  log(
    `Solver Farm bench: ${CORES} cores (machine has ${availableParallelism()}), ${REPS} repetitions, node ${process.version}`,
  );
  const loadBefore = loadavg()[0] as number;
  log(`load average before: ${load()}`);
  if (loadBefore > 0.5) log('  the machine is busy: wall-clock ratios will be low; see the CPU rows too');
  const ceilingBefore = await parallelCeiling();
  log(
    `machine check: ${CORES} copies of the single loop at once ran at ${ceilingBefore.toFixed(2)}× the throughput of one ` +
      `(${CORES}.00× on ${CORES} free cores): no parallel contender can beat that right now`,
  );
  // Repetitions are interleaved (single, farm, piscina, single, …) so that a burst of load
  // from elsewhere on the machine hits every contender; ratios are paired within a repetition.
  log(`a. tiny sweep: Wyndor, ${TINY.toLocaleString('en-US')} tasks`);
  const tinyFew = { ...tinyJob, grid: [{ name: 'P', objective: 'windows', from: 1, to: CORES, step: 1 }] };
  const tinyCold = await coldStart(tinyFew, `${root}bench/tiny-base.json`);
  log(
    `  farm runs below are on a warm farm (keepWarm: processes up, engines loaded, like piscina's warmed pool); ` +
      `a cold run of ${CORES} tasks (process start + setup) takes ${tinyCold.toFixed(0)} ms wall`,
  );
  const wire = wireBytes();
  log(
    `  wire per task: rows ${wire.rowsBytes.toFixed(1)} B (JSON.parse ${wire.rowsParseUs.toFixed(2)} µs), ` +
      `objects ${wire.objectBytes.toFixed(1)} B (${wire.objectParseUs.toFixed(2)} µs)`,
  );
  log(
    `  every contender is timed at steady state: ${WARM_TINY.toLocaleString('en-US')} untimed solves per process or thread first ` +
      '(the single loop in its own process, the farm in warm-up runs, piscina in warm-up passes)',
  );
  const singles: Timed[] = [];
  const farms: FarmFigures[] = [];
  const piscinas: Timed[] = [];
  const tinyFarm = await openFarm('farm', tinyJob, `${root}bench/tiny.json`, TINY, WARM_TINY);
  const pool = await openPiscina();
  try {
    for (let i = 1; i <= REPS; i++) {
      const s1 = await singleLoop('tiny', WARM_TINY);
      const f = await tinyFarm.time();
      const p = await timed(pool.time);
      singles.push(s1);
      farms.push(f);
      piscinas.push(p);
      log(
        `  #${i}: single ${s1.ms.toFixed(0)} ms, farm ${f.workMs.toFixed(0)} ms (wall ${f.wallMs.toFixed(0)}), ` +
          `piscina ${p.ms.toFixed(0)} ms → speed-up ${(s1.ms / f.workMs).toFixed(2)}×, piscina/farm ${(p.ms / f.workMs).toFixed(2)}×; ` +
          `solvers inside solve() ${(100 * f.busy).toFixed(0)}% of the time, ${(1000 * f.solveMsPerTask).toFixed(1)} µs/solve ` +
          `(single loop ${((1000 * s1.ms) / TINY).toFixed(1)}); main process ${((1000 * f.mainCpuMs) / TINY).toFixed(2)} µs CPU/task`,
      );
    }
  } finally {
    await tinyFarm.close();
    await pool.close();
  }
  log(
    `b. medium sweep: 60×60 transport LP from a seed, ${MEDIUM} tasks (${WARM_MEDIUM} untimed solves per process first)`,
  );
  const mediumCeiling = await parallelCeiling('medium');
  log(
    `  machine check for this workload: ${CORES} medium single loops at once ran at ${mediumCeiling.toFixed(2)}× one ` +
      `(efficiency ceiling ${((100 * mediumCeiling) / CORES).toFixed(1)}%)`,
  );
  const mSingles: Timed[] = [];
  const mFarms: FarmFigures[] = [];
  const mediumFarm = await openFarm('farm', mediumJob, `${root}bench/medium.json`, MEDIUM, WARM_MEDIUM);
  try {
    for (let i = 1; i <= REPS; i++) {
      const s1 = await singleLoop('medium', WARM_MEDIUM);
      const f = await mediumFarm.time();
      mSingles.push(s1);
      mFarms.push(f);
      log(
        `  #${i}: single ${s1.ms.toFixed(0)} ms, farm ${f.workMs.toFixed(0)} ms (wall ${f.wallMs.toFixed(0)}) → ` +
          `efficiency ${((100 * s1.ms) / (CORES * f.workMs)).toFixed(1)}%; solvers inside solve() ${(100 * f.busy).toFixed(0)}% ` +
          `of the time, ${f.solveMsPerTask.toFixed(1)} ms/solve (single loop ${(s1.ms / MEDIUM).toFixed(1)})`,
      );
    }
  } finally {
    await mediumFarm.close();
  }
  const ceilingAfter = await parallelCeiling();
  log(`machine check again: ${ceilingAfter.toFixed(2)}×`);
  log(`load average after: ${load()}`);

  const speedups = farms.map((f, i) => (singles[i] as Timed).ms / f.workMs);
  const vsPisc = farms.map((f, i) => (piscinas[i] as Timed).ms / f.workMs);
  const effs = mFarms.map((f, i) => (mSingles[i] as Timed).ms / (CORES * f.workMs));
  const us = (ms: number, n: number) => `${((ms * 1000) / n).toFixed(1)} µs/task`;
  // CPU of the timed run only (warm farm: no process start inside it).
  const cpuEff = (single: Timed[], farm: FarmFigures[]): string => {
    if (farm.some((x) => x.solverCpuMs === null)) return 'n/a (no /proc)';
    const f = farm.map((x) => x.mainCpuMs + (x.solverCpuMs as number));
    return `${((100 * median(single.map((x) => x.cpuMs))) / median(f)).toFixed(1)}%`;
  };
  const wallSpeedups = farms.map((f, i) => (singles[i] as Timed).ms / f.wallMs);
  const wallEffs = mFarms.map((f, i) => (mSingles[i] as Timed).ms / (CORES * f.wallMs));
  const paired = (xs: number[], unit: (x: number) => string) =>
    `median ${unit(median(xs))}, best ${unit(maxOf(xs))} (of ${xs.length})`;
  const times = (x: number) => `${x.toFixed(2)}×`;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const rows: Row[] = [
    {
      measure: 'tiny: single loop',
      value: `${minOf(singles.map((x) => x.ms)).toFixed(0)} ms best (${us(minOf(singles.map((x) => x.ms)), TINY)})`,
      target: '',
      pass: null,
    },
    {
      measure: `tiny: farm, ${CORES} cores`,
      value: `${minOf(farms.map((x) => x.workMs)).toFixed(0)} ms best; wall ${minOf(farms.map((x) => x.wallMs)).toFixed(0)} ms`,
      target: '',
      pass: null,
    },
    {
      measure: `tiny: piscina, ${CORES} threads, ${BATCH}/call`,
      value: `${minOf(piscinas.map((x) => x.ms)).toFixed(0)} ms best`,
      target: '',
      pass: null,
    },
    {
      measure: 'tiny: farm speed-up vs single loop',
      value: paired(speedups, times),
      target: '≥ 1.80×',
      pass: median(speedups) >= 1.8,
    },
    {
      // Issue 12's target: the speed-up as a share of what the machine allowed in this very run
      // (two single loops at once, measured before and after), so load on a shared VM cancels out.
      measure: 'tiny: farm speed-up as a share of the two-loop ceiling (same run)',
      value: `${pct(median(speedups) / ((ceilingBefore + ceilingAfter) / 2))} (median speed-up ${times(median(speedups))} / ceiling ${times((ceilingBefore + ceilingAfter) / 2)})`,
      target: '≥ 95%',
      pass: median(speedups) / ((ceilingBefore + ceilingAfter) / 2) >= 0.95,
    },
    {
      measure: 'tiny: farm vs piscina (piscina ms / farm ms)',
      value: paired(vsPisc, times),
      target: '≥ 1.00×',
      pass: median(vsPisc) >= 1,
    },
    {
      measure: 'tiny: farm speed-up, wall (setup of the run included)',
      value: paired(wallSpeedups, times),
      target: '(info)',
      pass: null,
    },
    {
      measure: 'tiny: farm main-process CPU',
      value: us(median(farms.map((x) => x.mainCpuMs)), TINY),
      target: '(info)',
      pass: null,
    },
    {
      measure: 'tiny: solver-process CPU',
      value: farms.some((x) => x.solverCpuMs === null)
        ? 'n/a (no /proc)'
        : `${us(median(farms.map((x) => x.solverCpuMs as number)), TINY)} (single loop: ${us(median(singles.map((x) => x.cpuMs)), TINY)})`,
      target: '(info)',
      pass: null,
    },
    {
      measure: 'tiny: results on the wire (rows vs objects)',
      value: `${wire.rowsBytes.toFixed(1)} vs ${wire.objectBytes.toFixed(1)} B/task; parse ${wire.rowsParseUs.toFixed(2)} vs ${wire.objectParseUs.toFixed(2)} µs/task`,
      target: '(info)',
      pass: null,
    },
    {
      measure: 'tiny: CPU efficiency (single / farm)',
      value: cpuEff(singles, farms),
      target: '(info)',
      pass: null,
    },
    {
      measure: 'medium: single loop',
      value: `${minOf(mSingles.map((x) => x.ms)).toFixed(0)} ms best (${(minOf(mSingles.map((x) => x.ms)) / MEDIUM).toFixed(1)} ms/task)`,
      target: '',
      pass: null,
    },
    {
      measure: `medium: farm, ${CORES} cores`,
      value: `${minOf(mFarms.map((x) => x.workMs)).toFixed(0)} ms best; wall ${minOf(mFarms.map((x) => x.wallMs)).toFixed(0)} ms`,
      target: '',
      pass: null,
    },
    {
      measure: 'medium: parallel efficiency',
      value: paired(effs, pct),
      target: '≥ 95%',
      pass: median(effs) >= 0.95,
    },
    {
      measure: 'medium: parallel efficiency, wall (setup of the run included)',
      value: paired(wallEffs, pct),
      target: '(info)',
      pass: null,
    },
    {
      measure: 'medium: CPU efficiency (single / farm)',
      value: cpuEff(mSingles, mFarms),
      target: '(info)',
      pass: null,
    },
    {
      measure: `machine: ${CORES} tiny single loops at once vs one`,
      value: `${ceilingBefore.toFixed(2)}× before, ${ceilingAfter.toFixed(2)}× after (ideal ${CORES}.00×)`,
      target: '(info)',
      pass: null,
    },
    {
      measure: `machine: ${CORES} medium single loops at once vs one`,
      value: `${mediumCeiling.toFixed(2)}× (efficiency ceiling ${((100 * mediumCeiling) / CORES).toFixed(1)}%)`,
      target: '(info)',
      pass: null,
    },
    { measure: 'load average (1/5/15 min) at the end', value: load(), target: '(info)', pass: null },
  ];
  process.stdout.write(`\n${table(rows)}\n`);
  process.stdout.write(
    '\nRatios are paired within one repetition (same moment, same machine load); PASS/MISS judges the\n' +
      'median repetition (a single outlier, e.g. a slowed baseline, cannot pass or fail it). Every contender is timed at\n' +
      'steady state (untimed warm-up solves in every process first); the farm is a WARM farm (keepWarm), as piscina is a pool.\n' +
      '"work" time starts when the first solver finished the run\'s setup; "wall" includes that setup. The machine row is the\n' +
      'ceiling of any parallel speed-up at the time; the CPU rows do not depend on the load.\n',
  );
}

await main();

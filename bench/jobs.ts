/** The bench's jobs and knobs, shared by bench/run.ts and bench/single-loop.ts. */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Solver processes / threads of the parallel contenders (default 2). */
export const CORES = Number(process.env.BENCH_CORES ?? Math.min(2, availableParallelism()));
/** Interleaved repetitions. */
export const REPS = Number(process.env.BENCH_REPS ?? 5);
/** Tasks of the tiny (Wyndor) sweep. */
export const TINY = Number(process.env.BENCH_TINY_TASKS ?? 100_000);
/** Tasks of the medium (transport) sweep. */
export const MEDIUM = Number(process.env.BENCH_MEDIUM_TASKS ?? 200);
/** Points per piscina run() call. */
export const BATCH = 256;

/** The repository root (with a trailing slash). */
export const root = fileURLToPath(new URL('../', import.meta.url));

const wyndor = JSON.parse(readFileSync(`${root}examples/wyndor-sweep.json`, 'utf8')) as Record<string, unknown>;

/** Wyndor with P over TINY points, quiet GLPK. */
export const tinyJob = {
  ...wyndor,
  name: `bench: Wyndor, P over ${TINY} points`,
  grid: [{ name: 'P', objective: 'windows', from: 1, to: TINY, step: 1 }],
  msglev: 'off',
  maxTasks: TINY,
};

/** MEDIUM 60×60 transport LPs, seeds 1..MEDIUM. */
export const mediumSpec = { size: 60, tasks: MEDIUM, seed: 1 };
export const mediumJob = {
  kind: 'custom',
  // Relative to the job's source (bench/medium.json): a job's module loads only from its own folder.
  module: './transport-kind.ts',
  spec: mediumSpec,
};

/**
 * Untimed solves each contender does before its clock starts (per process or thread), so
 * that all of them are timed at steady state: V8's JIT and wasm tier-up, and the heap's
 * growth, take ~100k Wyndor solves to settle (measured: a farm's first 100k-task run is
 * 20–40% slower than its third, and the farm's own process settles over ~3 runs). The
 * default, 1.5 passes per process, gives the farm and piscina 3 untimed passes on 2 cores.
 */
export const WARM_TINY = Number(process.env.BENCH_WARM_TINY ?? Math.round(1.5 * TINY));
export const WARM_MEDIUM = Number(process.env.BENCH_WARM_MEDIUM ?? Math.min(MEDIUM, 40));

/**
 * piscina worker for the tiny-sweep comparison: the same sweep kind code as the farm's
 * solver processes, set up once per thread (the model is parsed and copied once); each
 * run() call gets a batch of parameter values only and returns compact numbers:
 * [objective, value1, value2, …] per task (NaN where there is none).
 */
import { workerData } from 'node:worker_threads';
import { sweep } from '../solver/problems/sweep.ts';
import type { SolverContext } from '../solver/problems/types.ts';

const { job, values } = workerData as { job: unknown; values: string[] };
const ctx: SolverContext = { solver: 0, seed: 1, log: () => {} };
const spec = await sweep.parse(job, { source: 'bench', baseDir: '.' });
const state = await sweep.setup(spec, ctx);
const solve = sweep.solve as NonNullable<typeof sweep.solve>;

/** Solve a batch of single-axis points; `stride` = 1 + values.length numbers per task. */
export default function run(points: Float64Array): Float64Array {
  const stride = 1 + values.length;
  const out = new Float64Array(points.length * stride);
  const task = [0];
  for (let i = 0; i < points.length; i++) {
    task[0] = points[i] as number;
    const r = solve(state, task, ctx);
    const at = i * stride;
    out[at] = r.objective ?? Number.NaN;
    for (let k = 0; k < values.length; k++) out[at + 1 + k] = r.values?.[values[k] as string] ?? Number.NaN;
  }
  return out;
}

/**
 * The single-core baseline: the same kind code as the solver processes, in ONE loop —
 * parse, plan and set up once, then solve every task. `node bench/single-loop.ts tiny|medium
 * [warm]` runs it in a fresh process (as fresh as a solver process: same heap state, same
 * flags) and prints `{"ms":…,"cpuMs":…}` for the timed loop alone. With `warm` > 0 it first
 * solves that many tasks untimed, so that the timed loop runs at steady state (JIT and wasm
 * tier-up done, heap grown), as the farm's solvers and piscina's threads do in the bench.
 */
import { sweep } from '../solver/problems/sweep.ts';
import type { AnyProblemKind, SolverContext } from '../solver/problems/types.ts';
import { cpuSample, cpuSince } from './cpu.ts';
import { mediumSpec, root, tinyJob } from './jobs.ts';
import transportKind from './transport-kind.ts';

/** Time and CPU of the solve loop (setup and warm-up excluded). */
export interface LoopTiming {
  ms: number;
  cpuMs: number;
}

const ctx: SolverContext = { solver: 0, seed: 1, log: () => {} };

async function loop(kind: AnyProblemKind, doc: unknown, warm: number): Promise<LoopTiming> {
  const spec = await kind.parse(doc, { source: 'bench.json', baseDir: root });
  const plan = kind.plan(spec);
  if (plan.type !== 'tasks') throw new Error(`${kind.kind} plans steps, not tasks`);
  const state = await kind.setup(spec, ctx);
  const solve = kind.solve as NonNullable<AnyProblemKind['solve']>;
  for (let i = 0; i < warm; i++) solve(state, plan.task(i % plan.count), ctx);
  let bad = 0;
  const cpu0 = cpuSample();
  const t0 = performance.now();
  for (let i = 0; i < plan.count; i++) {
    if (solve(state, plan.task(i), ctx).status !== 'optimal') bad++;
  }
  const ms = performance.now() - t0;
  const cpuMs = cpuSince(cpu0).selfMs;
  if (bad > 0) throw new Error(`single loop: ${bad} tasks not optimal`);
  return { ms, cpuMs };
}

/** Run the named baseline in this process, after `warm` untimed solves. */
export function singleLoop(which: 'tiny' | 'medium', warm = 0): Promise<LoopTiming> {
  return which === 'tiny' ? loop(sweep, tinyJob, warm) : loop(transportKind, mediumSpec, warm);
}

if (import.meta.main) {
  const which = process.argv[2];
  const warm = Number(process.argv[3] ?? 0);
  if ((which !== 'tiny' && which !== 'medium') || !(warm >= 0)) {
    throw new Error('usage: node bench/single-loop.ts tiny|medium [warm-up solves]');
  }
  process.stdout.write(`${JSON.stringify(await singleLoop(which, warm))}\n`);
}

/**
 * Benchmark kind: a size×size transportation LP generated INSIDE the solver from a seed.
 * A task carries only its seed (a few bytes on the wire); supplies, demands and costs come
 * from a seeded PRNG, so the farm's dispatch cost is negligible next to the ~18 ms solve
 * and the parallel efficiency measures the farm, not serialization (DESIGN 'Performance rules').
 * Used by bench/run.ts as a custom kind: `{ kind: 'custom', module: <this file>, spec }`.
 */
import type { GlpkRuntime, LP } from '../solver/engines/glpk-runtime.ts';
import { GLP, loadGlpk } from '../solver/engines/glpk-runtime.ts';
import { mulberry32 } from '../solver/problems/tsp/rng.ts';
import type { ProblemKind, SolveResult } from '../solver/problems/types.ts';
import { Reader } from '../solver/problems/validate.ts';

/** Job spec: problem size, number of tasks (seeds seed..seed+tasks-1). */
export interface TransportSpec {
  size: number;
  tasks: number;
  seed: number;
}

/** Build the glpk.js model of instance `seed`: min cost, supply rows ≤, demand rows ≥. */
export function transportModel(size: number, seed: number): LP {
  const rnd = mulberry32(seed);
  const supply = Array.from({ length: size }, () => 50 + Math.floor(rnd() * 100));
  const total = supply.reduce((a, b) => a + b, 0);
  // Demands add up to ~90% of supply so every instance is feasible.
  const raw = Array.from({ length: size }, () => 0.5 + rnd());
  const rawSum = raw.reduce((a, b) => a + b, 0);
  const demand = raw.map((r) => Math.floor((0.9 * total * r) / rawSum));
  const vars: { name: string; coef: number }[] = [];
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) vars.push({ name: `x${i}_${j}`, coef: 1 + Math.floor(rnd() * 100) });
  }
  const subjectTo: LP['subjectTo'] = [];
  for (let i = 0; i < size; i++) {
    subjectTo.push({
      name: `s${i}`,
      vars: Array.from({ length: size }, (_, j) => ({ name: `x${i}_${j}`, coef: 1 })),
      bnds: { type: GLP.UP, ub: supply[i] ?? 0, lb: 0 },
    });
  }
  for (let j = 0; j < size; j++) {
    subjectTo.push({
      name: `d${j}`,
      vars: Array.from({ length: size }, (_, i) => ({ name: `x${i}_${j}`, coef: 1 })),
      bnds: { type: GLP.LO, ub: 0, lb: demand[j] ?? 0 },
    });
  }
  return { name: `transport-${size}-${seed}`, objective: { direction: GLP.MIN, name: 'cost', vars }, subjectTo };
}

interface State {
  glpk: GlpkRuntime;
  size: number;
}

/** GLPK quiet (glpk.js options, built once). */
const MSG_OFF = { msglev: GLP.MSG_OFF };

/**
 * The kind: parse/plan on the main side; setup takes the process's GLPK runtime (loaded once
 * per process, as the sweep kind does), solve builds the model and solves it.
 */
const transportKind: ProblemKind<TransportSpec, number, State> = {
  kind: 'bench-transport',
  parse(doc, ctx) {
    const r = new Reader(ctx.source, doc);
    r.object();
    return {
      size: r.at('size').integer(2, 500),
      tasks: r.at('tasks').integer(1, 1_000_000),
      seed: r.at('seed').optional((x) => x.integer(0, 2 ** 31), 1),
    };
  },
  plan(spec) {
    return {
      type: 'tasks',
      count: spec.tasks,
      task: (i) => spec.seed + i,
      label: (i) => `seed=${spec.seed + i}`,
      params: (i) => ({ seed: spec.seed + i }),
      paramNames: ['seed'],
    };
  },
  async setup(spec) {
    return { glpk: await loadGlpk(), size: spec.size };
  },
  solve(state, seed): SolveResult {
    const t0 = performance.now();
    const out = state.glpk.solve(transportModel(state.size, seed), MSG_OFF);
    const status = out.status === 'optimal' || out.status === 'infeasible' ? out.status : 'error';
    return {
      status,
      objective: status === 'optimal' ? out.objective : null,
      timeMs: performance.now() - t0,
      engine: 'glpk',
    };
  },
};

export default transportKind;

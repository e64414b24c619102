/**
 * The `tsp` job kind: a barrier-stepped search on a TSPLIB instance.
 *
 * Job: `{ "kind": "tsp", "instance": "berlin52.tsp", "steps": 10, "stepMs": 400, "seed": 1 }`
 * (`instance` resolves against the job file's folder; optional `name`, `starts`).
 * At step 1 every solver builds its own start tours (nearest neighbour from random cities,
 * each locally optimised, `starts` of them) and then runs iterated local search for the rest
 * of the time slice; at step k > 1 it starts from the best tour of step k - 1. Each solver's
 * random choices come from the job seed, its own seed and the step number. `reduce` keeps
 * the shortest tour (ties: the lowest solver slot).
 */
import type { RunView } from '../api.ts';
import { FormatError } from '../formats/format-error.ts';
import { jobFilePath } from './job-access.ts';
import { onlyKeys } from './sweep/keys.ts';
import { neighbourLists, TourSearch } from './tsp/local-search.ts';
import { mixSeed, mulberry32 } from './tsp/rng.ts';
import type { TspInstance } from './tsplib.ts';
import { distanceMatrix, readTsplib } from './tsplib.ts';
import type { ParseContext, ProblemKind, Reduced, SolverContext, StepPlan } from './types.ts';
import { Reader, ValidationError } from './validate.ts';

/** Largest instance accepted: each solver keeps an n² Int32 distance matrix (4000² = 64 MB). */
export const MAX_CITIES = 4000;

/** Largest EXPLICIT instance: its n² weights travel inside the spec to every solver. */
export const MAX_EXPLICIT_CITIES = 1000;

/** Neighbour list length for 2-opt / Or-opt candidates. */
const NEIGHBOURS = 10;

/** A parsed tsp job (JSON-safe: sent to every solver). */
export interface TspSpec {
  name: string;
  /** The instance file as the job names it. */
  file: string;
  instance: TspInstance;
  steps: number;
  stepMs: number;
  seed: number;
  /** Start tours per solver at step 1. */
  starts: number;
}

/** Input of a step: the best tour so far (null before step 1). */
export interface TspStepIn {
  tour: number[] | null;
  length: number | null;
}

/** Output of a step: one solver's best tour (city indices, 0-based) and its length. */
export interface TspStepOut {
  length: number;
  tour: number[];
}

/** Per-process state: the distance matrix and a reusable search workspace. */
export interface TspState {
  spec: TspSpec;
  n: number;
  d: Int32Array;
  search: TourSearch;
}

/** Parse a tsp job; reads the instance file (relative to ctx.baseDir). */
export function parseTsp(doc: unknown, ctx: ParseContext): TspSpec {
  const r = new Reader(ctx.source, doc);
  // `policy` (failure limits) and `description` belong to the framework, not to this kind.
  onlyKeys(r, ['kind', 'name', 'description', 'policy', 'instance', 'steps', 'stepMs', 'seed', 'starts']);
  const kind = r.at('kind');
  if (kind.value !== undefined && kind.value !== 'tsp') kind.fail('"tsp"');
  const ir = r.at('instance');
  const file = ir.string();
  const path = jobFilePath(ir, ctx, file);
  let instance: TspInstance;
  try {
    instance = readTsplib(path, file);
  } catch (err) {
    // Missing, unreadable, not a regular file, too big: the reader's FormatError, at the field.
    if (err instanceof FormatError) {
      throw new ValidationError(
        ctx.source,
        ir.path,
        `a readable TSPLIB file (looked for ${path}: ${err.reason})`,
        file,
      );
    }
    throw err;
  }
  if (instance.dimension > MAX_CITIES) {
    throw new ValidationError(
      ctx.source,
      ir.path,
      `an instance of at most ${MAX_CITIES} cities (each solver keeps the full distance matrix), got ${instance.dimension} in ${file}`,
    );
  }
  if (instance.type === 'EXPLICIT' && instance.dimension > MAX_EXPLICIT_CITIES) {
    throw new ValidationError(
      ctx.source,
      ir.path,
      `an EXPLICIT instance of at most ${MAX_EXPLICIT_CITIES} cities (its full matrix is sent to every solver), got ${instance.dimension} in ${file}`,
    );
  }
  return {
    name: r.at('name').optional((x) => x.string(), instance.name),
    file,
    instance,
    steps: r.at('steps').optional((x) => x.integer(1, 100_000), 10),
    stepMs: r.at('stepMs').optional((x) => x.integer(1, 3_600_000), 400),
    seed: r.at('seed').optional((x) => x.integer(0, 0xffffffff), 1),
    starts: r.at('starts').optional((x) => x.integer(1, 1000), 4),
  };
}

/** Build the per-process state: distance matrix and neighbour lists, once. */
export function setupTsp(spec: TspSpec): TspState {
  const n = spec.instance.dimension;
  const d = distanceMatrix(spec.instance);
  const k = Math.max(0, Math.min(NEIGHBOURS, n - 1));
  return { spec, n, d, search: new TourSearch(d, n, neighbourLists(d, n, k), k) };
}

function checkTour(tour: unknown, n: number, k: number): number[] {
  const fail = (why: string): never => {
    throw new Error(`tsp step ${k}: the input tour ${why}`);
  };
  if (!Array.isArray(tour)) return fail('is not an array');
  if (tour.length !== n) fail(`has ${tour.length} cities, the instance has ${n}`);
  const seen = new Uint8Array(n);
  for (const c of tour) {
    if (!Number.isInteger(c) || c < 0 || c >= n || seen[c] === 1) fail(`is not a permutation of 0..${n - 1}`);
    seen[c] = 1;
  }
  return tour as number[];
}

/** Run barrier step k: improve the input tour (or build start tours at step 1) for stepMs. */
export function stepTsp(state: TspState, k: number, input: TspStepIn, ctx: SolverContext): TspStepOut {
  const { spec, n, search } = state;
  const t0 = performance.now();
  const deadline = t0 + spec.stepMs;
  const rand = mulberry32(mixSeed(spec.seed, ctx.seed, ctx.solver, k));
  if (n <= 3) {
    const tour = input.tour ?? Array.from({ length: n }, (_, i) => i);
    search.load(tour);
    return { length: search.len, tour: Array.from(search.tour) };
  }
  let from: string;
  if (input.tour === null) {
    // Multi-start: each start is a nearest-neighbour tour from a random city, locally optimised;
    // stop early if starts eat more than half the slice.
    let bestStart: Int32Array | null = null;
    let bestLen = Number.POSITIVE_INFINITY;
    for (let s = 0; s < spec.starts; s++) {
      if (s > 0 && performance.now() > t0 + spec.stepMs / 2) break;
      search.load(search.nearestNeighbour(Math.floor(rand() * n)));
      search.optimize(deadline);
      if (search.len < bestLen) {
        bestLen = search.len;
        bestStart = search.tour.slice();
      }
    }
    search.load(bestStart as Int32Array);
    from = `best of ${spec.starts} start tours ${bestLen}`;
  } else {
    search.load(checkTour(input.tour, n, k));
    from = `input ${search.len}`;
  }
  const stats = search.ils(deadline, rand);
  const ms = Math.round(performance.now() - t0);
  ctx.log(
    `step ${k}: ${search.bestLen} (from ${from}), ${stats.kicks} kicks, ${stats.improvements} improvements, ${ms} ms`,
  );
  return { length: search.bestLen, tour: Array.from(search.best) };
}

/** Keep the shortest tour of the step (ties: lowest solver slot). */
export function reduceTsp(k: number, outputs: { solver: number; output: TspStepOut }[]): Reduced<TspStepIn> {
  if (outputs.length === 0) throw new Error(`tsp step ${k}: no solver returned a tour`);
  let win = outputs[0] as { solver: number; output: TspStepOut };
  for (const o of outputs) {
    if (o.output.length < win.output.length || (o.output.length === win.output.length && o.solver < win.solver)) {
      win = o;
    }
  }
  return {
    input: { tour: win.output.tour, length: win.output.length },
    summary: {
      step: k,
      perSolver: outputs.map((o) => ({ solver: o.solver, value: o.output.length })),
      winner: win.solver,
      best: win.output.length,
      sense: 'min',
      tour: win.output.tour,
    },
  };
}

/** The tsp kind. */
export const tsp: ProblemKind<TspSpec, never, TspState, TspStepIn, TspStepOut> = {
  kind: 'tsp',
  parse: parseTsp,
  plan(spec): StepPlan<TspStepIn> {
    return { type: 'steps', steps: spec.steps, initial: { tour: null, length: null } };
  },
  view(spec): RunView {
    const points = spec.instance.points;
    return points === null ? { kind: 'none' } : { kind: 'tour', points, name: spec.name };
  },
  setup: setupTsp,
  step: stepTsp,
  reduce: reduceTsp,
};

export default tsp;

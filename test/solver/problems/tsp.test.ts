/** The tsp kind in-process: parse, local search invariants, barrier steps and reduce. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { neighbourLists, TourSearch } from '../../../solver/problems/tsp/local-search.ts';
import { mulberry32 } from '../../../solver/problems/tsp/rng.ts';
import type { TspSpec, TspState, TspStepIn, TspStepOut } from '../../../solver/problems/tsp.ts';
import { tsp } from '../../../solver/problems/tsp.ts';
import { distanceMatrix, readTsplib, tourLength } from '../../../solver/problems/tsplib.ts';
import type { SolverContext } from '../../../solver/problems/types.ts';
import { ValidationError } from '../../../solver/problems/validate.ts';

const examplesDir = fileURLToPath(new URL('../../../examples/', import.meta.url));
const shared = new URL('../../../../shared/tsplib/', import.meta.url);
const OPT = (
  JSON.parse(readFileSync(new URL('reference.json', shared), 'utf8')) as { optimal_length: Record<string, number> }
).optimal_length;
const exampleDoc = JSON.parse(readFileSync(`${examplesDir}tsp-berlin52.json`, 'utf8')) as Record<string, unknown>;

function ctxFor(solver: number, lines: string[] = []): SolverContext {
  return { solver, seed: 1000 + solver, log: (l) => lines.push(l) };
}

async function parse(doc: Record<string, unknown>, baseDir = examplesDir): Promise<TspSpec> {
  return tsp.parse(doc, { source: 'tsp-job.json', baseDir });
}

function isPermutation(tour: ArrayLike<number>, n: number): boolean {
  if (tour.length !== n) return false;
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = tour[i] as number;
    if (!Number.isInteger(c) || c < 0 || c >= n || seen[c] === 1) return false;
    seen[c] = 1;
  }
  return true;
}

describe('tsp job parsing', () => {
  it('reads the example: instance relative to the job folder, defaults, view', async () => {
    const spec = await parse(exampleDoc);
    expect(spec.instance.dimension).toBe(52);
    expect(spec.steps).toBe(10);
    expect(spec.stepMs).toBe(400);
    expect(spec.seed).toBe(1);
    expect(tsp.plan(spec)).toEqual({ type: 'steps', steps: 10, initial: { tour: null, length: null } });
    const view = tsp.view?.(spec);
    expect(view?.kind).toBe('tour');
    if (view?.kind === 'tour') {
      expect(view.points).toHaveLength(52);
      expect(view.points[0]).toEqual([565, 575]);
    }
    // The spec crosses process boundaries as JSON.
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it('names a missing instance file with the job path and where it looked', async () => {
    const err = await parse({ kind: 'tsp', instance: 'nowhere/missing.tsp' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const msg = (err as Error).message;
    expect(msg).toMatch(
      /^tsp-job\.json: \$\.instance: expected a readable TSPLIB file \(looked for .*nowhere\/missing\.tsp/,
    );
    expect(msg).toContain('got "nowhere/missing.tsp"');
  });

  it('names bad fields', async () => {
    await expect(parse({ ...exampleDoc, steps: 0 })).rejects.toThrow(
      /^tsp-job\.json: \$\.steps: expected an integer from 1/,
    );
    await expect(parse({ ...exampleDoc, stepMs: 'fast' })).rejects.toThrow(
      /^tsp-job\.json: \$\.stepMs: expected a finite number/,
    );
    await expect(parse({ ...exampleDoc, instance: 3 })).rejects.toThrow(
      /^tsp-job\.json: \$\.instance: expected a non-empty string/,
    );
    await expect(parse({ ...exampleDoc, step: 3 })).rejects.toThrow(/^tsp-job\.json: \$\.step: expected a known field/);
  });
});

describe('local search', () => {
  const inst = readTsplib(`${examplesDir}berlin52.tsp`);
  const n = inst.dimension;
  const d = distanceMatrix(inst);

  it('keeps len equal to the true length and the tour a permutation through kicks and moves', () => {
    const s = new TourSearch(d, n, neighbourLists(d, n, 10), 10);
    const rand = mulberry32(42);
    // Start from a random permutation: many 2-opt and Or-opt moves get exercised.
    const start = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [start[i], start[j]] = [start[j] as number, start[i] as number];
    }
    s.load(start);
    const before = s.len;
    s.optimize();
    expect(s.len).toBe(s.length());
    expect(s.len).toBeLessThan(before);
    for (let k = 0; k < 500; k++) {
      s.kick(rand);
      expect(s.len).toBe(s.length());
      s.optimize();
      expect(s.len).toBe(s.length());
      expect(isPermutation(s.tour, n)).toBe(true);
      for (let p = 0; p < n; p++) expect(s.pos[s.tour[p] as number]).toBe(p);
    }
  });

  it('neighbour lists hold the k nearest cities, nearest first', () => {
    const nb = neighbourLists(d, n, 5);
    for (let i = 0; i < n; i++) {
      const others = Array.from({ length: n }, (_, j) => j)
        .filter((j) => j !== i)
        .map((j) => d[i * n + j] as number)
        .sort((a, b) => a - b);
      const got = Array.from(nb.subarray(i * 5, i * 5 + 5), (j) => d[i * n + j] as number);
      expect(got).toEqual(others.slice(0, 5));
    }
  });
});

describe('barrier steps', () => {
  it("one solver's steps never make the tour worse, and tours stay permutations", async () => {
    const spec = await parse({ ...exampleDoc, stepMs: 30 });
    const state = (await tsp.setup(spec, ctxFor(0))) as TspState;
    const step = tsp.step as NonNullable<typeof tsp.step>;
    const lines: string[] = [];
    let input: TspStepIn = { tour: null, length: null };
    let last = Number.POSITIVE_INFINITY;
    for (let k = 1; k <= 6; k++) {
      const out = step(state, k, input, ctxFor(0, lines)) as TspStepOut;
      expect(isPermutation(out.tour, 52)).toBe(true);
      expect(out.length).toBe(tourLength(state.d, 52, out.tour));
      expect(out.length).toBeLessThanOrEqual(last);
      last = out.length;
      input = { tour: out.tour, length: out.length };
    }
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^step 1: \d+ \(from best of 4 start tours \d+\)/);
  });

  it('never returns worse than a given (poor) input tour', async () => {
    const spec = await parse({ ...exampleDoc, stepMs: 5 });
    const state = (await tsp.setup(spec, ctxFor(0))) as TspState;
    const identity = Array.from({ length: 52 }, (_, i) => i);
    const len = tourLength(state.d, 52, identity);
    const out = (tsp.step as NonNullable<typeof tsp.step>)(
      state,
      2,
      { tour: identity, length: len },
      ctxFor(1),
    ) as TspStepOut;
    expect(out.length).toBeLessThan(len);
    expect(isPermutation(out.tour, 52)).toBe(true);
  });

  it('refuses an input that is not a permutation', async () => {
    const spec = await parse({ ...exampleDoc, stepMs: 5 });
    const state = (await tsp.setup(spec, ctxFor(0))) as TspState;
    const bad = Array.from({ length: 52 }, (_, i) => (i === 5 ? 4 : i));
    expect(() => (tsp.step as NonNullable<typeof tsp.step>)(state, 3, { tour: bad, length: 0 }, ctxFor(0))).toThrow(
      /tsp step 3: the input tour is not a permutation/,
    );
  });

  it('reduce picks the shortest tour, lowest slot on ties, and summarises every solver', () => {
    const t = (len: number) => ({ length: len, tour: [0, 1, 2] });
    const r = (tsp.reduce as NonNullable<typeof tsp.reduce>)(
      4,
      [
        { solver: 0, output: t(120) },
        { solver: 1, output: t(100) },
        { solver: 2, output: t(100) },
      ],
      {} as TspSpec,
    );
    expect(r.summary).toEqual({
      step: 4,
      perSolver: [
        { solver: 0, value: 120 },
        { solver: 1, value: 100 },
        { solver: 2, value: 100 },
      ],
      winner: 1,
      best: 100,
      sense: 'min',
      tour: [0, 1, 2],
    });
    expect(r.input).toEqual({ tour: [0, 1, 2], length: 100 });
  });

  it('two solvers with distinct seeds reach ≤ 1% above 7542 on berlin52 within 10 s', async () => {
    // The example's step length would take 4 s for 10 steps; 5 steps of 200 ms keeps the test short.
    const spec = await parse({ ...exampleDoc, steps: 5, stepMs: 200 });
    const solvers = [0, 1];
    const states = await Promise.all(solvers.map(async (s) => (await tsp.setup(spec, ctxFor(s))) as TspState));
    const step = tsp.step as NonNullable<typeof tsp.step>;
    const reduce = tsp.reduce as NonNullable<typeof tsp.reduce>;
    const t0 = performance.now();
    let input: TspStepIn = { tour: null, length: null };
    let best = Number.POSITIVE_INFINITY;
    for (let k = 1; k <= spec.steps; k++) {
      const outputs = solvers.map((s) => ({
        solver: s,
        output: step(states[s] as TspState, k, input, ctxFor(s)) as TspStepOut,
      }));
      const reduced = reduce(k, outputs, spec);
      expect(reduced.summary.best).toBeLessThanOrEqual(best);
      best = reduced.summary.best;
      input = reduced.input;
    }
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(best).toBeLessThanOrEqual(Math.floor((OPT.berlin52 as number) * 1.01));
    expect(best).toBeGreaterThanOrEqual(OPT.berlin52 as number);
    expect(tourLength(states[0]?.d as Int32Array, 52, input.tour as number[])).toBe(best);
  });
});

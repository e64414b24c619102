/**
 * Sweep values on the Wyndor glass LP, in-process (parse → plan → setup → solve), checked
 * against the model's vertices computed here, never against numbers copied from GLPK.
 *
 * By hand: the vertices are (0,0) (4,0) (4,3) (2,6) (0,6). With profit 300 per door and P per
 * window, (4,3) gives 1200 + 3P and (2,6) gives 600 + 6P: the optimum moves from (4,3) to (2,6)
 * at P = 200, and from (4,0) to (4,3) at P = 0.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SweepSpec } from '../../../solver/problems/sweep.ts';
import { planSweep, sweep } from '../../../solver/problems/sweep.ts';
import type { SolverContext, TaskPlan } from '../../../solver/problems/types.ts';
import { solve2d, wyndor } from './lp-oracle.ts';

const examples = new URL('../../../examples/', import.meta.url);
const baseDoc = JSON.parse(readFileSync(new URL('wyndor-sweep.json', examples), 'utf8')) as Record<string, unknown>;
const ctx: SolverContext = { solver: 0, seed: 1, log: () => {} };

async function run(doc: Record<string, unknown>) {
  const spec = (await sweep.parse(doc, { source: 'wyndor-test.json', baseDir: '.' })) as SweepSpec;
  const plan = planSweep(spec) as TaskPlan<number[]>;
  const state = await sweep.setup(spec, ctx);
  const solve = sweep.solve as NonNullable<typeof sweep.solve>;
  return { spec, plan, at: (i: number) => solve(state, plan.task(i), ctx) };
}

function withGrid(grid: unknown[], extra: Record<string, unknown> = {}) {
  return { ...baseDoc, msglev: 'off', grid, ...extra };
}

describe('Wyndor sweep values', () => {
  it('P = 500: 3600 with doors = 2, windows = 6 (600 + 6P)', async () => {
    const { at } = await run(withGrid([{ name: 'P', objective: 'windows', values: [500] }]));
    const r = at(0);
    expect(r.status).toBe('optimal');
    expect(r.objective).toBeCloseTo(600 + 6 * 500, 6);
    expect(r.values).toEqual({ doors: 2, windows: 6 });
    expect(r.engine).toBe('glpk');
  });

  it('both sides of each basis change (P = 0 and P = 200), and the range ends', async () => {
    const Ps = [-50, -1, 1, 100, 199, 199.5, 200, 200.5, 201, 500, 1000];
    const { at, plan } = await run(withGrid([{ name: 'P', objective: 'windows', values: Ps }]));
    expect(plan.count).toBe(Ps.length);
    Ps.forEach((P, i) => {
      const r = at(i);
      const expectedZ = Math.max(1200, 1200 + 3 * P, 600 + 6 * P);
      expect(r.status, `P=${P}`).toBe('optimal');
      expect(r.objective, `P=${P}`).toBeCloseTo(expectedZ, 6);
      const expectedX = P < 0 ? [4, 0] : P < 200 ? [4, 3] : P > 200 ? [2, 6] : null;
      if (expectedX !== null) {
        expect(r.values?.doors, `doors at P=${P}`).toBeCloseTo(expectedX[0] as number, 9);
        expect(r.values?.windows, `windows at P=${P}`).toBeCloseTo(expectedX[1] as number, 9);
      } else {
        // At P = 200 every point of the edge (4,3)–(2,6) is optimal.
        const { doors, windows } = r.values as { doors: number; windows: number };
        expect(3 * doors + 2 * windows).toBeCloseTo(18, 9);
        expect(doors).toBeGreaterThanOrEqual(2 - 1e-9);
        expect(doors).toBeLessThanOrEqual(4 + 1e-9);
      }
    });
  });

  it('the example: 901 tasks P = 100..1000, every optimum matches the vertex formula', async () => {
    const { plan, at } = await run({ ...baseDoc, msglev: 'off' });
    expect(plan.count).toBe(901);
    expect(plan.paramNames).toEqual(['P']);
    for (let i = 0; i < plan.count; i++) {
      const P = 100 + i;
      expect(plan.params(i)).toEqual({ P });
      expect(plan.label(i)).toBe(`P=${P}`);
      const r = at(i);
      const oracle = wyndor(P);
      expect(r.status).toBe('optimal');
      expect(Math.abs((r.objective as number) - Math.max(1200 + 3 * P, 600 + 6 * P))).toBeLessThan(1e-6);
      expect(Math.abs((r.objective as number) - oracle.z)).toBeLessThan(1e-6);
      if (oracle.argmax.length === 1) {
        const [d, w] = oracle.argmax[0] as [number, number];
        expect(Math.abs((r.values?.doors as number) - d) + Math.abs((r.values?.windows as number) - w)).toBeLessThan(
          1e-6,
        );
      }
    }
  });

  it('duals follow the binding rows: y3 = P/2 below P = 200, y2 = (P - 200)/2 and y3 = 100 above', async () => {
    const Ps = [50, 150, 250, 700];
    const { at } = await run(
      withGrid([{ name: 'P', objective: 'windows', values: Ps }], { output: { values: 'all', duals: true } }),
    );
    Ps.forEach((P, i) => {
      const duals = at(i).duals as Record<string, number>;
      const expected =
        P < 200
          ? { plant1: 300 - (3 * P) / 2, plant2: 0, plant3: P / 2 }
          : { plant1: 0, plant2: (P - 200) / 2, plant3: 100 };
      for (const [row, y] of Object.entries(expected)) expect(duals[row], `${row} at P=${P}`).toBeCloseTo(y, 6);
    });
  });

  it('a two-axis grid (P × plant 3 capacity) matches the oracle at every point', async () => {
    const doc = JSON.parse(readFileSync(new URL('wyndor-2d.json', examples), 'utf8')) as Record<string, unknown>;
    const { plan, at } = await run(doc);
    expect(plan.count).toBe(19 * 10);
    for (let i = 0; i < plan.count; i++) {
      const { P, cap3 } = plan.params(i) as { P: number; cap3: number };
      const r = at(i);
      expect(r.status).toBe('optimal');
      expect(Math.abs((r.objective as number) - wyndor(P, cap3).z), `P=${P} cap3=${cap3}`).toBeLessThan(1e-6);
    }
  });

  it('variable bound axes: doors ≤ ub and doors ≥ lb', async () => {
    const { plan, at } = await run(
      withGrid([
        { name: 'P', objective: 'windows', values: [100, 500] },
        { name: 'dmax', variable: 'doors', bound: 'ub', values: [1, 2.5, 4] },
        { name: 'dmin', variable: 'doors', bound: 'lb', values: [0, 1] },
      ]),
    );
    expect(plan.count).toBe(12);
    for (let i = 0; i < plan.count; i++) {
      const { P, dmax, dmin } = plan.params(i) as { P: number; dmax: number; dmin: number };
      const oracle = solve2d(
        [300, P],
        [
          { a: [1, 0], b: 4 },
          { a: [0, 2], b: 12 },
          { a: [3, 2], b: 18 },
          { a: [1, 0], b: dmax },
          { a: [-1, 0], b: -dmin },
        ],
      );
      const r = at(i);
      expect(r.status).toBe('optimal');
      expect(Math.abs((r.objective as number) - oracle.z), plan.label(i)).toBeLessThan(1e-6);
      expect(r.values?.doors as number).toBeLessThanOrEqual(dmax + 1e-9);
      expect(r.values?.doors as number).toBeGreaterThanOrEqual(dmin - 1e-9);
    }
  });

  it('a constraint lower bound that crosses the upper bound is infeasible, not an error', async () => {
    // plant3 becomes lb ≤ 3d + 2w ≤ 18: lb = 24 is impossible (lb > ub), lb = 18 pins the row.
    const { at } = await run(withGrid([{ name: 'lo3', constraint: 'plant3', bound: 'lb', values: [24, 18] }]));
    const bad = at(0);
    expect(bad.status).toBe('infeasible');
    expect(bad.objective).toBeNull();
    const pinned = at(1);
    expect(pinned.status).toBe('optimal');
    expect(pinned.objective).toBeCloseTo(wyndor(500).z, 6);
  });

  it('a row with lb above what the other rows allow is reported infeasible by GLPK', async () => {
    // 3d + 2w ≥ 30 with d ≤ 4 and w ≤ 6: at most 24, so infeasible.
    const { at } = await run(
      withGrid([
        { name: 'lo3', constraint: 'plant3', bound: 'lb', values: [30] },
        { name: 'up3', constraint: 'plant3', bound: 'ub', values: [40] },
      ]),
    );
    const r = at(0);
    expect(r.status).toBe('infeasible');
    expect(r.objective).toBeNull();
  });

  it('a MIP point GLPK 5.0 calls optimal at a point that breaks a row is an error naming the row', async () => {
    // v integer ≤ 0 with L ≤ 3v ≤ -1: for L = -2 no integer fits (GLPK's MIP preprocessor
    // answers v = 0 "optimal"); for L = -3, v = -1 is the only point.
    const doc = {
      kind: 'sweep',
      msglev: 'off',
      model: {
        name: 'no-integer-fits',
        objective: { direction: 1, name: 'obj', vars: [{ name: 'v', coef: 1 }] },
        subjectTo: [{ name: 'c0', vars: [{ name: 'v', coef: 3 }], bnds: { type: 4, lb: -2, ub: -1 } }],
        bounds: [{ name: 'v', type: 3, lb: 0, ub: 0 }],
        generals: ['v'],
      },
      grid: [{ name: 'L', constraint: 'c0', bound: 'lb', values: [-2, -3] }],
    };
    const { at } = await run(doc);
    const broken = at(0);
    expect(broken.status).toBe('error');
    expect(broken.objective).toBeNull();
    expect(broken.error?.message).toMatch(/breaks the model: row c0 = 0 is outside \[-2, -1\].*"engine": "highs"/);
    expect(at(1)).toMatchObject({ status: 'optimal', objective: -1 });
  });

  it('a MIP sweep (the knapsack example) is optimal at every capacity and matches brute force', async () => {
    const doc = JSON.parse(readFileSync(new URL('knapsack-capacity.json', examples), 'utf8')) as {
      model: {
        objective: { vars: { name: string; coef: number }[] };
        subjectTo: { vars: { name: string; coef: number }[] }[];
      };
    };
    const values = doc.model.objective.vars.map((v) => v.coef);
    const weights = (doc.model.subjectTo[0] as { vars: { coef: number }[] }).vars.map((v) => v.coef);
    const bestFor = (cap: number) => {
      let best = 0;
      for (let m = 0; m < 1 << values.length; m++) {
        let w = 0;
        let v = 0;
        for (let k = 0; k < values.length; k++) {
          if (m & (1 << k)) {
            w += weights[k] as number;
            v += values[k] as number;
          }
        }
        if (w <= cap && v > best) best = v;
      }
      return best;
    };
    const { plan, at } = await run(doc as unknown as Record<string, unknown>);
    for (const i of [0, 5, 17, 50, 99, 120, 171]) {
      const cap = plan.params(i).C as number;
      const r = at(i);
      expect(r.status).toBe('optimal');
      expect(r.objective, `C=${cap}`).toBeCloseTo(bestFor(cap), 6);
      const used = Object.entries(r.values as Record<string, number>).reduce(
        (s, [name, x]) => s + x * (weights[doc.model.objective.vars.findIndex((v) => v.name === name)] as number),
        0,
      );
      expect(used).toBeLessThanOrEqual(cap + 1e-9);
    }
  });
});

/**
 * glpk and highs agree on random small LPs and MIPs: same status, same optimum (1e-6).
 * Random models hit the corners the reference set does not: free and fixed columns,
 * equality and ranged rows, infeasible and unbounded MIPs.
 *
 * Integer columns get finite bounds (±8 at most). GLPK 5.0's MIP preprocessor can loop
 * forever, ignoring its time limit, on an infeasible MIP whose integer columns are unbounded:
 * min v0 + 2·v1, v0 ≥ 0 and v1 ≤ -4 integer, v0 + v1 ≥ 3, v0 + v1 ≤ 0 tightens the bounds by
 * 3 a round without end (found here: it hung the test). Nothing can interrupt a synchronous
 * wasm loop in-process; in the farm, policy.taskTimeoutSec kills such a solve, and Terminate
 * always can. Unbounded MIPs still come up through continuous columns.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { violation } from '../../../solver/engines/check-solution.ts';
import { loadEngine } from '../../../solver/engines/index.ts';
import type { Engine } from '../../../solver/engines/types.ts';
import { randomModel } from '../../support/random-model.ts';

const INF = Number.POSITIVE_INFINITY;
const small = fc.integer({ min: -6, max: 6 });
const coef = fc.integer({ min: -4, max: 4 }).filter((x) => x !== 0);
const bounds = fc.oneof(
  fc.constant([0, INF]),
  fc.tuple(small, small).map(([a, b]) => [Math.min(a, b), Math.max(a, b)]),
  small.map((u) => [-INF, u]),
  fc.constant([-INF, INF]),
);

const modelArb = randomModel({
  name: 'cross',
  maxVars: 5,
  maxRows: 4,
  coef,
  objectiveCoef: fc.integer({ min: -5, max: 5 }),
  bounds,
  integerBoundLimit: 8,
});

let glpk: Engine;
let highs: Engine;
beforeAll(async () => {
  glpk = await loadEngine('glpk');
  highs = await loadEngine('highs');
});

describe('glpk and highs', () => {
  it('agree on status and optimum of random small models', () => {
    fc.assert(
      fc.property(modelArb, (m) => {
        const a = glpk.solve(m, { timeLimitSec: 2 });
        // GLPK's MIP presolver aborts on a few of these (npp3.c assertion "q->lb < q->ub"):
        // a GLPK defect the engine reports as an error and survives; nothing to compare.
        if (a.status === 'error' && /GLPK aborted/.test(a.message ?? '')) return;
        const b = highs.solve(m, { timeLimitSec: 2 });
        // HiGHS's points are checked against the model too; so are glpk's, by the engine itself.
        if (b.values !== null) expect(violation(m, b.values), `highs: ${b.status}`).toBeNull();
        if (a.status === 'error' && /breaks the model/.test(a.message ?? '')) {
          // GLPK's MIP preprocessor answered with a point that breaks the model (a GLPK 5.0
          // defect, see solver/engines/check-solution.ts); the engine reported it as an error.
          expect(m.variables.some((v) => v.integer)).toBe(true);
          return;
        }
        const better = (x: number, y: number) => (m.sense === 'min' ? x < y - 1e-6 : x > y + 1e-6);
        for (const [cut, other] of [
          [a, b],
          [b, a],
        ] as const) {
          if (cut.status !== 'time-limit') continue;
          // Branch and bound on unbounded integer columns may never end (GLPK cannot prove
          // 2x + 2y = 1 infeasible): a time limit is honest, and must not contradict the other.
          if (other.status === 'optimal' && cut.objective !== null && other.objective !== null) {
            expect(better(cut.objective, other.objective)).toBe(false);
          }
          if (other.status === 'infeasible') expect(cut.objective).toBeNull();
          return;
        }
        if (a.status === 'unbounded' && b.status === 'optimal' && m.variables.some((v) => v.integer)) {
          // HiGHS 1.15.1 calls some unbounded MIPs optimal (e.g. min -y, x + z - y <= 0,
          // -y + 2x + 2z >= 0, x + 2z >= 0, y, x integer: dual bound 0 after the root node).
          // A feasible MIP whose LP relaxation is unbounded is unbounded (rational data): check
          // that independently, so only this HiGHS defect is tolerated.
          const relaxed = { ...m, variables: m.variables.map((v) => ({ ...v, integer: false })) };
          expect(highs.solve(relaxed).status).toBe('unbounded');
          return;
        }
        expect(b.status, `glpk: ${a.message ?? ''} highs: ${b.message ?? ''}`).toBe(a.status);
        if (a.objective === null) expect(b.objective).toBeNull();
        else
          expect(Math.abs((b.objective as number) - a.objective)).toBeLessThanOrEqual(
            1e-6 * Math.max(1, Math.abs(a.objective)),
          );
      }),
      { numRuns: 400 },
    );
  });
});

describe('glpk on an infeasible MIP its presolver cannot decide', () => {
  // Found by the property above: 1 ≤ 3·v1 ≤ 2 with v1 binary has no integer point. GLPK's MIP
  // answers UNDEF; the zero-objective probe then came back "feasible" (the same preprocessor
  // defect), and the engine called the model unbounded. The probe's point is now checked.
  const model = {
    name: 'cross',
    sense: 'min' as const,
    objectiveName: 'obj',
    objective: [0, 0, -1, 0, 0],
    objectiveConstant: 0,
    variables: [
      { name: 'v0', lb: 0, ub: INF, integer: false },
      { name: 'v1', lb: 0, ub: 1, integer: true },
      { name: 'v2', lb: 0, ub: INF, integer: false },
      { name: 'v3', lb: 0, ub: 0, integer: false },
      { name: 'v4', lb: 0, ub: 0, integer: false },
    ],
    rows: [{ name: 'c0', lb: 1, ub: 2, cols: [1], coefs: [3] }],
    warnings: [],
  };

  it('never calls it unbounded; HiGHS and auto say infeasible', async () => {
    const a = glpk.solve(model, { timeLimitSec: 2 });
    expect(a.status).not.toBe('unbounded');
    if (a.status === 'error') expect(a.message).toMatch(/breaks the model/);
    else expect(a.status).toBe('infeasible');
    expect(highs.solve(model, { timeLimitSec: 2 }).status).toBe('infeasible');
    const auto = await loadEngine('auto');
    expect(auto.solve(model, { timeLimitSec: 2 }).status).toBe('infeasible');
  });
});

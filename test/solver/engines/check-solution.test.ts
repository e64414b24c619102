/**
 * Solutions are checked against the model: GLPK 5.0's MIP preprocessor once called an
 * infeasible MIP optimal (found by the cross-engine property test); the glpk engine must
 * report that as an error naming the broken row, and `auto` must then answer with HiGHS.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { violation } from '../../../solver/engines/check-solution.ts';
import { loadEngine } from '../../../solver/engines/index.ts';
import type { Engine } from '../../../solver/engines/types.ts';
import type { LinearModel } from '../../../solver/formats/model.ts';

/** v0 integer ≤ 0 and -2 ≤ 3·v0 ≤ -1: no integer fits (v0 would be in [-2/3, -1/3]). */
const noIntegerFits: LinearModel = {
  name: 'no-integer-fits',
  sense: 'min',
  objectiveName: 'obj',
  objective: [0, 0],
  objectiveConstant: 0,
  variables: [
    { name: 'v0', lb: Number.NEGATIVE_INFINITY, ub: 0, integer: true },
    { name: 'v1', lb: Number.NEGATIVE_INFINITY, ub: 0, integer: false },
  ],
  rows: [{ name: 'c0', lb: -2, ub: -1, cols: [0], coefs: [3] }],
  warnings: [],
};

describe('violation()', () => {
  it('names the first broken bound, integrality or row, and passes a feasible point', () => {
    expect(violation(noIntegerFits, [0, 0])).toBe('row c0 = 0 is outside [-2, -1]');
    expect(violation(noIntegerFits, [-0.5, 0])).toBe('integer column v0 = -0.500000');
    expect(violation(noIntegerFits, [0, 1])).toBe('column v1 = 1 is outside its bounds [-Infinity, 0]');
    const relaxed = { ...noIntegerFits, variables: noIntegerFits.variables.map((v) => ({ ...v, integer: false })) };
    expect(violation(relaxed, [-0.5, -3])).toBeNull();
    // Within the tolerance (1e-6 relative) counts as on the bound.
    expect(violation(relaxed, [-1 / 3 + 1e-8, 0])).toBeNull();
  });
});

describe('engines on a MIP that GLPK 5.0 gets wrong', () => {
  let glpk: Engine;
  let highs: Engine;
  let auto: Engine;
  beforeAll(async () => {
    [glpk, highs, auto] = await Promise.all([loadEngine('glpk'), loadEngine('highs'), loadEngine('auto')]);
  });

  it('glpk says error (naming the broken row), highs and auto say infeasible', () => {
    const g = glpk.solve(noIntegerFits);
    expect(g.status).toBe('error');
    expect(g.values).toBeNull();
    expect(g.message).toMatch(/breaks the model: row c0 = 0 is outside \[-2, -1\].*highs engine/);
    expect(highs.solve(noIntegerFits).status).toBe('infeasible');
    expect(auto.solve(noIntegerFits)).toMatchObject({ status: 'infeasible', engine: 'highs' });
  });
});

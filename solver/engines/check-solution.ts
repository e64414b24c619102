/**
 * Checks a reported solution against the model it claims to solve. GLPK 5.0's MIP
 * preprocessor can declare "INTEGER OPTIMAL SOLUTION FOUND BY MIP PREPROCESSOR" for a point
 * that breaks a row (found by the cross-engine property test: v0 integer ≤ 0 with
 * -2 ≤ 3·v0 ≤ -1 came back optimal at v0 = 0, though no integer fits). An engine must not
 * pass such an answer on as optimal, so the glpk engine checks every MIP solution here
 * (O(nonzeros), next to nothing beside a solve).
 */
import type { LinearModel } from '../formats/model.ts';

/** Relative feasibility tolerance (GLPK's own primal tolerance is 1e-7; its integrality tolerance 1e-5). */
const FEAS_TOL = 1e-6;
const INT_TOL = 1e-5;

const outside = (x: number, lb: number, ub: number): boolean =>
  x < lb - FEAS_TOL * Math.max(1, Math.abs(lb)) || x > ub + FEAS_TOL * Math.max(1, Math.abs(ub));

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(6));
const range = (lb: number, ub: number): string => `[${fmt(lb)}, ${fmt(ub)}]`;

/** What the first broken bound, row or integrality is, in words; null when `values` is feasible. */
export function violation(model: LinearModel, values: ArrayLike<number>): string | null {
  const vars = model.variables;
  for (let j = 0; j < vars.length; j++) {
    const v = vars[j] as LinearModel['variables'][number];
    const x = values[j] ?? 0;
    if (outside(x, v.lb, v.ub)) return `column ${v.name} = ${fmt(x)} is outside its bounds ${range(v.lb, v.ub)}`;
    if (v.integer && Math.abs(x - Math.round(x)) > INT_TOL) return `integer column ${v.name} = ${fmt(x)}`;
  }
  for (const row of model.rows) {
    let activity = 0;
    for (let k = 0; k < row.cols.length; k++)
      activity += (row.coefs[k] as number) * (values[row.cols[k] as number] ?? 0);
    if (outside(activity, row.lb, row.ub))
      return `row ${row.name} = ${fmt(activity)} is outside ${range(row.lb, row.ub)}`;
  }
  return null;
}

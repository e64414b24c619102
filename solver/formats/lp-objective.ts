/** The CPLEX LP objective section: `Minimize` / `Maximize`, an optional `name:`, an expression. */
import { readExpression } from './lp-expression.ts';
import { type LpState, show } from './lp-state.ts';

/** Reads the objective after its keyword: label, coefficients and constant term. */
export function readObjective(s: LpState, sense: 'min' | 'max'): void {
  s.model.sense = sense;
  const t = s.peek();
  if (t?.k === 'name' && s.labelAhead()) {
    s.model.objectiveName = t.v;
    s.pos += 2;
  }
  const e = readExpression(s, false);
  for (const [j, c] of e.cols) s.model.objective[j] = c;
  s.model.objectiveConstant = e.constant;
  const n = s.peek();
  if (n !== undefined && n.k !== 'section') {
    s.fail(n, `expected a term of the objective or a section keyword, got ${show(n)}`);
  }
}

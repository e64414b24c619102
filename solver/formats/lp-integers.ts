/** The CPLEX LP `General` and `Binary` sections: lists of variable names. */
import { type LpState, show } from './lp-state.ts';

/** Marks the listed variables integer; `binary` also bounds them to [0, 1]. */
export function readIntegers(s: LpState, binary: boolean): void {
  for (let t = s.peek(); t?.k === 'name'; t = s.peek()) {
    s.pos++;
    const v = s.variable(t.v);
    v.integer = true;
    if (binary) {
      v.lb = 0;
      v.ub = 1;
    }
  }
  const n = s.peek();
  if (n !== undefined && n.k !== 'section') s.fail(n, `expected a variable name, got ${show(n)}`);
}

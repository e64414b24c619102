/**
 * The CPLEX LP `Bounds` section: `x >= l`, `x <= u`, `l <= x`, `l <= x <= u`, `x = v`,
 * `x free`, with `±inf` / `±infinity` and values from 1e30 up read as infinite. A bound may
 * name a variable no other section uses (it is created).
 */
import { quote } from './format-error.ts';
import { type Comparison, isInfinityName, readOperator, readSignedNumber } from './lp-expression.ts';
import { type LpState, show } from './lp-state.ts';
import type { Variable } from './model.ts';

/** Reads bounds up to the next section keyword (or the end of the file). */
export function readBounds(s: LpState): void {
  for (let t = s.peek(); t !== undefined && t.k !== 'section'; t = s.peek()) readBound(s);
}

/** One bound line: `[value op] name [op value]`, or `name free`. */
function readBound(s: LpState): void {
  const left = readLeftBound(s);
  const v = s.peek();
  if (v?.k !== 'name') s.fail(v, `expected a variable name in Bounds, got ${show(v)}`);
  s.pos++;
  const variable = s.variable(v.v);
  if (left === undefined) {
    const n = s.peek();
    if (n?.k === 'name' && /^free$/i.test(n.v)) {
      s.pos++;
      variable.lb = Number.NEGATIVE_INFINITY;
      variable.ub = Number.POSITIVE_INFINITY;
      return;
    }
  } else {
    // value op x: "l <= x" is a lower bound, "u >= x" an upper bound.
    setBound(variable, left.op === '<=' ? '>=' : left.op === '>=' ? '<=' : '=', left.value);
  }
  const op = readOperator(s);
  if (op === undefined) {
    if (left === undefined) {
      s.fail(s.peek(), `expected <=, >=, = or "free" after ${quote(v.v)} in Bounds, got ${show(s.peek())}`);
    }
    return;
  }
  setBound(variable, op, readSignedNumber(s, `a bound value for ${quote(v.v)}`));
  if (variable.ub < 0 && variable.lb === 0 && left === undefined && op === '<=') {
    s.model.warnings.push(
      `${s.file}:${v.line}: ${quote(v.v)} has a negative upper bound and the default lower bound 0: it cannot be feasible unless a lower bound is given`,
    );
  }
}

/** The `value op` before the variable, consumed; undefined when the line starts with the variable. */
function readLeftBound(s: LpState): { op: Comparison; value: number } | undefined {
  const t = s.peek();
  const startsWithNumber =
    t?.k === 'num' ||
    isInfinityName(t) ||
    (t?.k === 'op' && (t.v === '-' || t.v === '+') && (s.peek(1)?.k === 'num' || isInfinityName(s.peek(1))));
  if (!startsWithNumber) return undefined;
  const value = readSignedNumber(s, 'a bound value');
  const op = readOperator(s);
  if (op === undefined) s.fail(s.peek(), `expected <=, >= or = after the bound value, got ${show(s.peek())}`);
  return { op, value };
}

/** `x op value`: `<=` sets the upper bound, `>=` the lower one, `=` both. */
function setBound(variable: Variable, op: Comparison, value: number): void {
  if (op === '<=') variable.ub = value;
  else if (op === '>=') variable.lb = value;
  else {
    variable.lb = value;
    variable.ub = value;
  }
}

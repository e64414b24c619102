/**
 * The pieces CPLEX LP sections are made of: linear expressions (objective, constraints),
 * comparison operators and signed numbers (right-hand sides, bounds).
 */
import { isOp, type LpState, show } from './lp-state.ts';
import type { LpToken } from './lp-tokenizer.ts';
import { hugeUpperAsInfinite, isInfinityWord } from './numbers.ts';

/** A linear expression: coefficient by variable index, a constant, and whether it had any term. */
export interface LinearExpression {
  cols: Map<number, number>;
  constant: number;
  any: boolean;
}

/** A comparison operator, normalized (`<` and `=<` are `<=`, `>` and `=>` are `>=`). */
export type Comparison = '<=' | '>=' | '=';

/**
 * Terms and constants until something that is not a term. With `labelsEnd`, a name followed
 * by ':' without a sign ends the expression: it labels the next constraint.
 */
export function readExpression(s: LpState, labelsEnd: boolean): LinearExpression {
  const e: LinearExpression = { cols: new Map(), constant: 0, any: false };
  for (;;) {
    const sign = readSigns(s);
    const signed = sign !== 0;
    const t = s.peek();
    if (t === undefined) {
      if (signed) s.fail(t, 'expected a term after the sign, got the end of the file');
      break;
    }
    if (isOp(t, '[')) {
      s.fail(t, 'quadratic terms ([ ... ]) are not supported: the farm solves linear and mixed-integer models only');
    }
    // Without a sign a new term cannot start: the expression ended.
    if (!signed && e.any) break;
    if (!signed && labelsEnd && t.k === 'name' && s.labelAhead()) break;
    if (!readTerm(s, e, signed ? sign : 1, labelsEnd)) {
      if (signed) s.fail(t, `expected a number or a variable after the sign, got ${show(t)}`);
      break;
    }
  }
  return e;
}

/** Consumes a run of `+` and `-`: 0 when there was none, else the sign they make (±1). */
function readSigns(s: LpState): number {
  let sign = 0;
  for (let t = s.peek(); t?.k === 'op' && (t.v === '+' || t.v === '-'); t = s.peek()) {
    sign = (sign === 0 ? 1 : sign) * (t.v === '-' ? -1 : 1);
    s.pos++;
  }
  return sign;
}

/**
 * Adds one term (`3 x`, `3 * x`, `x`, or a constant `3`) times `sign` to `e`; false when the
 * next token starts no term. With `labelsEnd`, a name after a number that is followed by ':'
 * is left for the next constraint's label.
 */
function readTerm(s: LpState, e: LinearExpression, sign: number, labelsEnd: boolean): boolean {
  const t = s.peek();
  if (t?.k === 'num') {
    if (!Number.isFinite(t.v)) s.fail(t, `expected a finite coefficient, got ${show(t)}`);
    s.pos++;
    if (isOp(s.peek(), '*')) s.pos++;
    const v = s.peek();
    // `3 c2: …` in constraints: the 3 ends this row, c2 labels the next one.
    if (v?.k === 'name' && !(labelsEnd && s.labelAhead())) {
      s.pos++;
      addTerm(s, e, v.v, sign * t.v);
    } else {
      e.constant += sign * t.v;
    }
    e.any = true;
    return true;
  }
  if (t?.k === 'name') {
    s.pos++;
    addTerm(s, e, t.v, sign);
    e.any = true;
    return true;
  }
  return false;
}

/** Adds `coef` times the variable `name` to `e`; refuses `x ^ 2` and `x * y` after it. */
function addTerm(s: LpState, e: LinearExpression, name: string, coef: number): void {
  const n = s.peek();
  if (isOp(n, '^') || isOp(n, '*')) {
    s.fail(n, 'quadratic terms are not supported: the farm solves linear and mixed-integer models only');
  }
  const j = s.builder.variable(name);
  e.cols.set(j, (e.cols.get(j) ?? 0) + coef);
}

/** Consumes a comparison operator; undefined (nothing consumed) when the next token is none. */
export function readOperator(s: LpState): Comparison | undefined {
  const t = s.peek();
  if (t?.k !== 'op') return undefined;
  let op: Comparison | undefined;
  if (t.v === '<' || t.v === '<=' || t.v === '=<') op = '<=';
  else if (t.v === '>' || t.v === '>=' || t.v === '=>') op = '>=';
  else if (t.v === '=') op = '=';
  if (op !== undefined) s.pos++;
  return op;
}

/** True when `t` is `inf` or `infinity` (a name to the tokenizer). */
export function isInfinityName(t: LpToken | undefined): boolean {
  return t?.k === 'name' && isInfinityWord(t.v);
}

/**
 * Consumes signs and a number or `inf`/`infinity`; `what` names the expected value in the
 * error. As in MPS (and CPLEX, which uses 1e20), a value from 1e30 up is infinite.
 */
export function readSignedNumber(s: LpState, what: string): number {
  let sign = 1;
  let t = s.peek();
  while (t?.k === 'op' && (t.v === '+' || t.v === '-')) {
    if (t.v === '-') sign = -sign;
    s.pos++;
    t = s.peek();
  }
  if (t?.k === 'num') {
    s.pos++;
    return sign * hugeUpperAsInfinite(t.v);
  }
  if (isInfinityName(t)) {
    s.pos++;
    return sign * Number.POSITIVE_INFINITY;
  }
  s.fail(t, `expected ${what}, got ${show(t)}`);
}

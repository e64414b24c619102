/**
 * The CPLEX LP `Subject To` section: one row per constraint, `[name:] expression op rhs` or
 * ranged `[name:] lower op expression op upper`, constants allowed on the expression's side.
 */
import { quote } from './format-error.ts';
import { type Comparison, readExpression, readOperator, readSignedNumber } from './lp-expression.ts';
import { type LpState, show } from './lp-state.ts';

/** Reads constraints up to the next section keyword (or the end of the file). */
export function readConstraints(s: LpState): void {
  let count = 0;
  for (let t = s.peek(); t !== undefined && t.k !== 'section'; t = s.peek()) {
    count++;
    readConstraint(s, `R${count}`);
  }
}

/** One constraint; `unnamed` is its name when it has no label (R1, R2…, counting every row). */
function readConstraint(s: LpState, unnamed: string): void {
  const start = s.peek();
  const name = readLabel(s) ?? unnamed;
  const head = s.peek();
  const lower = readRangeStart(s);
  const e = readExpression(s, true);
  if (!e.any || e.cols.size === 0) {
    if (e.any) s.fail(s.peek() ?? head, `constraint ${quote(name)} has no variables`);
    s.fail(s.peek() ?? head, `expected a constraint (expression, operator, right-hand side), got ${show(s.peek())}`);
  }
  const op = readOperator(s);
  if (op === undefined) {
    s.fail(s.peek(), `expected <=, >= or = after the expression of ${quote(name)}, got ${show(s.peek())}`);
  }
  const rhs = readSignedNumber(s, `a right-hand side number for ${quote(name)}`);
  let lb: number;
  let ub: number;
  if (lower !== undefined) {
    if (lower.op !== op || op === '=') {
      s.fail(head, `ranged constraint ${quote(name)}: expected "lower <= expression <= upper" (or both >=)`);
    }
    const lo = lower.value - e.constant;
    const hi = rhs - e.constant;
    [lb, ub] = op === '<=' ? [lo, hi] : [hi, lo];
  } else {
    const r = rhs - e.constant;
    if (op === '<=') [lb, ub] = [Number.NEGATIVE_INFINITY, r];
    else if (op === '>=') [lb, ub] = [r, Number.POSITIVE_INFINITY];
    else [lb, ub] = [r, r];
  }
  const i = s.builder.addRow(name, lb, ub);
  if (i === undefined) s.fail(start, `constraint ${quote(name)} is defined twice`);
  for (const [j, c] of e.cols) s.builder.addCoef(i, j, c, true);
}

/** Consumes a `name:` label and returns the name, or undefined when there is none. */
function readLabel(s: LpState): string | undefined {
  const t = s.peek();
  if ((t?.k !== 'name' && t?.k !== 'num') || !s.labelAhead()) return undefined;
  s.pos += 2;
  // A label that looks like a number ("001:") is still a label: HiGHS writes MPS row names
  // such as 001 into its LP files as they are.
  return t.k === 'name' ? t.v : t.text;
}

/**
 * The `lower op` of a ranged row (`-2 <= x - y <= 7`), consumed; undefined, nothing consumed,
 * when the row does not start with a signed number and an operator. The number is taken as
 * written: only the right-hand side reads 1e30 as infinite.
 */
function readRangeStart(s: LpState): { op: Comparison; value: number } | undefined {
  const head = s.peek();
  const signed = head?.k === 'op' && (head.v === '-' || head.v === '+');
  const n = signed ? s.peek(1) : head;
  if (n?.k !== 'num') return undefined;
  const save = s.pos;
  s.pos += signed ? 2 : 1;
  const op = readOperator(s);
  if (op !== undefined) return { op, value: (signed && head.v === '-' ? -1 : 1) * n.v };
  s.pos = save;
  return undefined;
}

/**
 * The MPS BOUNDS section: `TYPE [set] column [value]` with UP/LO/FX/FR/MI/PL/BV/LI/UI (SC is
 * refused). An UP or UI from 1e30 up and an LO or LI from -1e30 down are infinite; other
 * values are used as written. A negative UP on a column whose lower bound is still the
 * default 0 makes it -inf (MPS convention, with a warning).
 */
import { quote } from './format-error.ts';
import { fixedFields } from './mps-lines.ts';
import { type MpsState, usesSet } from './mps-state.ts';
import { hugeLowerAsInfinite, hugeUpperAsInfinite, parseNumber } from './numbers.ts';

/** How many fields after the type a bound takes: `value` types need one, `none` take none, BV either. */
type Arity = 'value' | 'none' | 'bv';

/** A BOUNDS line's fields after the type. */
interface BoundFields {
  set: string;
  column: string;
  value: string | undefined;
}

/** One BOUNDS line, split on whitespace into `fields`. */
export function readBoundLine(s: MpsState, fields: string[], line: string): void {
  const type = (fields[0] ?? '').toUpperCase();
  const arity = arityOf(s, type, fields[0] ?? '');
  const f = boundFields(s, type, arity, fields, line);
  if (!usesSet(s.boundSet, f.set)) return;
  const j = s.builder.findVariable(f.column);
  if (j === undefined) s.fail(`BOUNDS refers to column ${quote(f.column)}, which COLUMNS does not define`);
  // BV ignores a value it is given.
  const value = arity === 'value' ? s.number(f.value, `a bound value for column ${quote(f.column)}`) : 0;
  s.bounded.add(j);
  applyBound(s, type, j, value, f.column);
}

/** Whether `type` takes a value; refuses SC and unknown types (`written` is the type as the file has it). */
function arityOf(s: MpsState, type: string, written: string): Arity {
  if (type === 'UP' || type === 'LO' || type === 'FX' || type === 'LI' || type === 'UI') return 'value';
  if (type === 'FR' || type === 'MI' || type === 'PL') return 'none';
  if (type === 'SC') {
    s.fail('SC (semi-continuous) bounds are not supported: the farm solves linear and mixed-integer models only');
  }
  if (type !== 'BV') s.fail(`expected a bound type UP, LO, FX, FR, MI, PL, BV, LI or UI, got ${quote(written)}`);
  return 'bv';
}

/** Whether `x` (the fields after the type) has the shape `arity` asks for. */
function fits(arity: Arity, x: string[]): boolean {
  if (arity === 'value') return (x.length === 2 || x.length === 3) && parseNumber(x[x.length - 1] ?? '') !== undefined;
  if (arity === 'none') return x.length === 1 || x.length === 2;
  return x.length >= 1 && x.length <= 3;
}

/** Set, column and value of the line: the whitespace fields if they fit, else the fixed columns if those do. */
function boundFields(s: MpsState, type: string, arity: Arity, fields: string[], line: string): BoundFields {
  let t = fields.slice(1);
  if (!fits(arity, t) && s.fixedFallback) {
    const f = fixedFields(line);
    const ft = [f[1] ?? '', f[2] ?? '', f[3] ?? ''].filter((x, k) => k < 2 || x !== '');
    if (fits(arity, ft)) t = ft;
  }
  if (!fits(arity, t)) {
    s.fail(
      arity === 'value'
        ? `expected "${type} [set] column value" in BOUNDS, got ${quote(line.trim())}`
        : `expected "${type} [set] column" in BOUNDS, got ${quote(line.trim())}`,
    );
  }
  const [a = '', b, c] = t;
  if (t.length === 3) return { set: a, column: b ?? '', value: c };
  if (t.length === 1) return { set: '', column: a, value: undefined };
  if (arity === 'value') return { set: '', column: a, value: b };
  // Two fields: `set column`, except that for BV a known column followed by a number is
  // `column value`.
  if (arity === 'bv' && s.builder.findVariable(a) !== undefined && parseNumber(b ?? '') !== undefined) {
    return { set: '', column: a, value: b };
  }
  return { set: a, column: b ?? '', value: undefined };
}

/** Applies bound `type` with `value` to column `j` (named `name` in a warning). */
function applyBound(s: MpsState, type: string, j: number, value: number, name: string): void {
  const v = s.model.variables[j];
  if (v === undefined) return;
  switch (type) {
    case 'UP':
    case 'UI':
      v.ub = hugeUpperAsInfinite(value);
      if (type === 'UI') v.integer = true;
      if (value < 0 && v.lb === 0 && !s.lowerSet.has(j)) {
        v.lb = Number.NEGATIVE_INFINITY;
        s.warnHere(
          `column ${quote(name)} has a negative upper bound and no lower bound: lower bound set to -infinity (MPS convention)`,
        );
      }
      break;
    case 'LO':
    case 'LI':
      v.lb = hugeLowerAsInfinite(value);
      s.lowerSet.add(j);
      if (type === 'LI') v.integer = true;
      break;
    case 'FX':
      v.lb = value;
      v.ub = value;
      s.lowerSet.add(j);
      break;
    case 'FR':
      v.lb = Number.NEGATIVE_INFINITY;
      v.ub = Number.POSITIVE_INFINITY;
      s.lowerSet.add(j);
      break;
    case 'MI':
      v.lb = Number.NEGATIVE_INFINITY;
      s.lowerSet.add(j);
      break;
    case 'PL':
      v.ub = Number.POSITIVE_INFINITY;
      break;
    case 'BV':
      v.lb = 0;
      v.ub = 1;
      v.integer = true;
      s.lowerSet.add(j);
      break;
  }
}

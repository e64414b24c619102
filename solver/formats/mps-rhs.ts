/**
 * The MPS RHS and RANGES sections (`[set] row value [row value]`), and the row bounds they
 * make with the row types once the file is read:
 *
 * - L row `[-inf, rhs]`, G row `[rhs, +inf]`, E row `[rhs, rhs]`;
 * - ranged (standard MPS sign rules): L `[rhs-|R|, rhs]`, G `[rhs, rhs+|R|]`, E `[rhs, rhs+R]`
 *   if R ≥ 0, `[rhs+R, rhs]` if R < 0.
 *
 * An RHS from 1e30 up (down from -1e30) is infinite; a RANGES value is used as written.
 */
import { quote } from './format-error.ts';
import { fixedFields } from './mps-lines.ts';
import { type MpsState, usesSet } from './mps-state.ts';
import { hugeAsInfinite, parseNumber } from './numbers.ts';

/** One RHS or RANGES line, split on whitespace into `fields`. */
export function readRhsLine(s: MpsState, fields: string[], line: string, which: 'RHS' | 'RANGES'): void {
  let t = fields;
  if (!fitsPairs(t) && s.fixedFallback) {
    const f = fixedFields(line);
    const ft = f[4] !== '' || f[5] !== '' ? f.slice(1, 6) : f.slice(1, 4);
    if (fitsPairs(ft)) t = ft;
  }
  if (!fitsPairs(t)) s.fail(`expected "[set] row value [row value]" in ${which}, got ${quote(line.trim())}`);
  const off = t.length % 2;
  if (!usesSet(which === 'RHS' ? s.rhsSet : s.rangeSet, off === 1 ? (t[0] ?? '') : '')) return;
  for (let k = off; k + 1 < t.length; k += 2) {
    const rowName = t[k] ?? '';
    const value = s.number(t[k + 1], `a value for row ${quote(rowName)}`);
    if (rowName === s.objective) readObjectiveRhs(s, which, rowName, value);
    else if (!s.freeRows.has(rowName)) {
      const i = s.builder.findRow(rowName);
      if (i === undefined) s.fail(`${which} refers to row ${quote(rowName)}, which ROWS does not define`);
      if (which === 'RHS') s.rhs.set(i, hugeAsInfinite(value));
      else s.ranges.set(i, value);
    }
  }
}

/** `[set] row value [row value]`: two to five fields, every value a number. */
function fitsPairs(t: string[]): boolean {
  if (t.length < 2 || t.length > 5) return false;
  const off = t.length % 2 === 1 ? 1 : 0;
  for (let k = off + 1; k < t.length; k += 2) if (parseNumber(t[k] ?? '') === undefined) return false;
  return true;
}

/** An RHS on the objective row is its constant; a range there is refused. */
function readObjectiveRhs(s: MpsState, which: 'RHS' | 'RANGES', rowName: string, value: number): void {
  if (which === 'RANGES') s.fail(`RANGES on the objective row ${quote(rowName)}: expected a constraint row`);
  // Two conventions exist: CPLEX and HiGHS read the objective row's RHS as MINUS the
  // constant; GLPK (glpsol) and CBC add it AS the constant. The reference optima we are
  // checked against (glpsol and CBC: e226 = -25.86492907 with RHS -7.113) follow the
  // latter, so that is the default; `objectiveRhs: 'negated'` selects the CPLEX reading.
  s.model.objectiveConstant = s.objectiveRhs === 'negated' ? -value : value;
  s.warnHere(
    `RHS ${value} on the objective row read as objective constant ${s.model.objectiveConstant} (glpsol/CBC convention; CPLEX and HiGHS negate it)`,
  );
}

/**
 * Sets every row's bounds from its type, RHS and range. Done once at the end, so RANGES may
 * come before RHS and a repeated entry counts with its last value.
 */
export function setRowBounds(s: MpsState): void {
  const rows = s.model.rows;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const type = s.rowTypes[i];
    if (row === undefined || type === undefined) continue;
    const rhs = s.rhs.get(i) ?? 0;
    const r = s.ranges.get(i);
    if (r === undefined) {
      row.lb = type === 'L' ? Number.NEGATIVE_INFINITY : rhs;
      row.ub = type === 'G' ? Number.POSITIVE_INFINITY : rhs;
    } else if (type === 'L') {
      row.lb = rhs - Math.abs(r);
      row.ub = rhs;
    } else if (type === 'G') {
      row.lb = rhs;
      row.ub = rhs + Math.abs(r);
    } else {
      row.lb = r >= 0 ? rhs : rhs + r;
      row.ub = r >= 0 ? rhs + r : rhs;
    }
  }
}

/**
 * The MPS COLUMNS section: `column row value [row value]` per line, and `MARKER` lines whose
 * `'INTORG'` / `'INTEND'` bracket integer columns.
 */
import { quote } from './format-error.ts';
import { fixedFields } from './mps-lines.ts';
import type { MpsState } from './mps-state.ts';
import { parseNumber } from './numbers.ts';

/** One COLUMNS line, split on whitespace into `fields`. */
export function readColumnLine(s: MpsState, fields: string[], line: string): void {
  if (fields.length >= 3 && fields[1]?.replace(/'/g, '').toUpperCase() === 'MARKER') {
    readMarker(s, fields, line);
    return;
  }
  const t = columnFields(s, fields, line);
  const col = t[0] ?? '';
  if (col !== s.lastColumn) {
    if (s.columnsSeen.has(col)) s.warnHere(`column ${quote(col)} continues after other columns`);
    s.columnsSeen.add(col);
    s.lastColumn = col;
  }
  const j = s.builder.variable(col);
  const v = s.model.variables[j];
  if (v !== undefined && s.integerMarker && !v.integer) {
    v.integer = true;
    s.markerIntegers.add(j);
  }
  for (let k = 1; k + 1 < t.length; k += 2) readEntry(s, col, j, t[k] ?? '', t[k + 1]);
}

/** A MARKER line: integer columns start (INTORG) or end (INTEND). */
function readMarker(s: MpsState, fields: string[], line: string): void {
  const kind = fields
    .slice(2)
    .map((x) => x.replace(/'/g, '').toUpperCase())
    .find((x) => x === 'INTORG' || x === 'INTEND');
  if (kind === undefined) s.fail(`expected 'INTORG' or 'INTEND' in a MARKER line, got ${quote(line.trim())}`);
  s.integerMarker = kind === 'INTORG';
}

/** The fields to read: the whitespace ones if they fit, else the fixed columns if those do. */
function columnFields(s: MpsState, fields: string[], line: string): string[] {
  let t = fields;
  if (!fitsColumn(t) && s.fixedFallback) {
    const f = fixedFields(line);
    const ft = f[5] !== '' || f[4] !== '' ? f.slice(1, 6) : f.slice(1, 4);
    if (fitsColumn(ft)) t = ft;
  }
  if (t.length !== 3 && t.length !== 5) {
    s.fail(`expected "column row value [row value]" in COLUMNS, got ${fields.length} fields`);
  }
  return t;
}

/** `column row value [row value]` with numbers where the values go. */
function fitsColumn(t: string[]): boolean {
  if (t.length !== 3 && t.length !== 5) return false;
  return parseNumber(t[2] ?? '') !== undefined && (t.length === 3 || parseNumber(t[4] ?? '') !== undefined);
}

/** Coefficient `valueToken` of column `col` (index `j`) in row `rowName`. */
function readEntry(s: MpsState, col: string, j: number, rowName: string, valueToken: string | undefined): void {
  const value = s.number(valueToken, `a coefficient for row ${quote(rowName)}`);
  if (!Number.isFinite(value)) {
    s.fail(`expected a finite coefficient for row ${quote(rowName)}, got ${quote(valueToken ?? '')}`);
  }
  if (rowName === s.objective) {
    s.model.objective[j] = (s.model.objective[j] ?? 0) + value;
    return;
  }
  if (s.freeRows.has(rowName)) return;
  const i = s.builder.findRow(rowName);
  if (i === undefined) s.fail(`column ${quote(col)} refers to row ${quote(rowName)}, which ROWS does not define`);
  if (!s.builder.addCoef(i, j, value, false)) {
    s.fail(`duplicate entry for column ${quote(col)} in row ${quote(rowName)}`);
  }
}

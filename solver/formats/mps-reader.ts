/**
 * MPS reader, fixed and free format, into the neutral LinearModel.
 *
 * Supported: NAME, OBJSENSE (same line or next line; MIN/MAX/MINIMIZE/MAXIMIZE), OBJNAME,
 * ROWS (N/L/G/E), COLUMNS with MARKER INTORG/INTEND, RHS (an RHS on the objective row is
 * minus the objective constant), RANGES (all sign rules), BOUNDS UP/LO/FX/FR/MI/PL/BV/LI/UI,
 * ENDATA. Refused with a FormatError: SC bounds, quadratic sections (QUADOBJ, QSECTION,
 * QMATRIX, QCMATRIX, CSECTION), SOS, INDICATORS, GENCONS, PWLOBJ and any other section.
 *
 * Fixed versus free: every data line is first split on whitespace (free MPS, and fixed files
 * whose names have no spaces). A line whose tokens do not fit its section is re-read by the
 * fixed-format columns (2-3, 5-12, 15-22, 25-36, 40-47, 50-61), which is how names with
 * spaces are written in fixed MPS. `format: 'free'` or `'fixed'` forces one reading.
 */
import { FormatError, quote } from './format-error.ts';
import { type LinearModel, ModelBuilder } from './model.ts';

/** Options of {@link readMps}. */
export interface MpsOptions {
  /** File name used in errors. */
  file?: string;
  /** How to split data lines (default `auto`: whitespace first, fixed columns as a fallback). */
  format?: 'auto' | 'free' | 'fixed';
  /**
   * How to read an RHS on the objective row: `constant` (default; glpsol and CBC, which the
   * reference optima follow) or `negated` (CPLEX, HiGHS: the RHS is minus the constant).
   */
  objectiveRhs?: 'constant' | 'negated';
}

/** Values at or beyond this magnitude in RHS/BOUNDS/RANGES mean infinity (the usual MPS convention). */
const MPS_INFINITY = 1e30;

const UNSUPPORTED_SECTIONS: Record<string, string> = {
  QUADOBJ: 'a quadratic objective',
  QSECTION: 'a quadratic objective',
  QMATRIX: 'a quadratic objective',
  QCMATRIX: 'quadratic constraints',
  CSECTION: 'conic constraints',
  SOS: 'special ordered sets',
  INDICATORS: 'indicator constraints',
  GENCONS: 'general constraints',
  PWLOBJ: 'a piecewise-linear objective',
  PWLNAM: 'piecewise-linear constraints',
  PWLCON: 'piecewise-linear constraints',
  BRANCH: 'branching priorities',
  LAZYCONS: 'lazy constraints',
  USERCUTS: 'user cuts',
  SCENARIOS: 'stochastic scenarios',
};

const SECTIONS = new Set([
  'NAME',
  'OBJSENSE',
  'OBJSENS',
  'OBJNAME',
  'ROWS',
  'COLUMNS',
  'RHS',
  'RANGES',
  'BOUNDS',
  'ENDATA',
  ...Object.keys(UNSUPPORTED_SECTIONS),
]);

type RowType = 'N' | 'L' | 'G' | 'E';

/** Fixed-format field boundaries (0-based start, exclusive end). */
const FIXED_FIELDS: [number, number][] = [
  [1, 3],
  [4, 12],
  [14, 22],
  [24, 36],
  [39, 47],
  [49, 61],
];

function fixedFields(line: string): string[] {
  return FIXED_FIELDS.map(([a, b]) => line.slice(a, b).trim());
}

/** Parse an MPS document. Throws FormatError naming the file and line on any problem. */
export function readMps(text: string, options: MpsOptions = {}): LinearModel {
  const file = options.file ?? 'model.mps';
  const mode = options.format ?? 'auto';
  const objectiveRhs = options.objectiveRhs ?? 'constant';
  const b = new ModelBuilder('');
  const m = b.model;

  /** Row types by row index; objective and other N rows are kept apart from the model rows. */
  const rowTypes: RowType[] = [];
  /** Names of N rows other than the objective: their entries are ignored (free rows). */
  const freeRows = new Set<string>();
  let objName: string | undefined;
  let objNameFromSection: string | undefined;
  const rhsValues = new Map<number, number>();
  let rhsSet: string | undefined;
  let rangeSet: string | undefined;
  let boundSet: string | undefined;
  let ignoredRhsSets = false;
  let ignoredRangeSets = false;
  let ignoredBoundSets = false;
  const ranged = new Set<number>();
  const rangeValues = new Map<number, number>();
  let integerMarker = false;
  let section = '';
  let sawEnd = false;
  let sawRows = false;
  let sawColumns = false;
  let lastColumn = '';
  const columnsSeen = new Set<string>();
  const lbSet = new Set<number>();
  /** Columns some BOUNDS line names (marker integers without any are binary, see below). */
  const bounded = new Set<number>();
  const markerIntegers = new Set<number>();

  const lines = text.split(/\r\n|\n|\r/);
  let lineNo = 0;

  const reject: (message: string) => never = (message) => {
    throw new FormatError(file, lineNo, message);
  };
  const num = (token: string | undefined, what: string): number => {
    if (token === undefined || token === '') reject(`expected ${what}, got nothing`);
    const v = parseNumber(token);
    if (v === undefined) reject(`expected ${what}, got ${quote(token)}`);
    return v;
  };

  for (const raw of lines) {
    lineNo++;
    if (sawEnd) {
      if (raw.trim() !== '') {
        m.warnings.push(`${file}:${lineNo}: text after ENDATA ignored`);
        break;
      }
      continue;
    }
    if (raw.length === 0 || raw[0] === '*' || raw.trim() === '') continue;
    const line = raw.replace(/\s+$/, '');
    // A section header starts in column 1; data lines start with a space or tab.
    if (line[0] !== ' ' && line[0] !== '\t') {
      const tokens = line.split(/\s+/);
      const head = (tokens[0] ?? '').toUpperCase();
      if (!SECTIONS.has(head)) {
        reject(
          `expected a section name (NAME, ROWS, COLUMNS, RHS, RANGES, BOUNDS, ENDATA…), got ${quote(tokens[0] ?? '')}; data lines must start with a space`,
        );
      }
      const unsupported = UNSUPPORTED_SECTIONS[head];
      if (unsupported !== undefined) {
        reject(
          `section ${head} (${unsupported}) is not supported: the farm solves linear and mixed-integer models only`,
        );
      }
      section = head;
      if (head === 'NAME') {
        m.name = line.slice(4).trim();
      } else if (head === 'OBJSENSE' || head === 'OBJSENS') {
        section = 'OBJSENSE';
        if (tokens.length > 1) setSense(tokens.slice(1).join(' '));
      } else if (head === 'OBJNAME') {
        if (tokens.length > 1) objNameFromSection = tokens[1];
      } else if (head === 'ROWS') {
        sawRows = true;
      } else if (head === 'COLUMNS') {
        if (!sawRows) reject('COLUMNS before ROWS: expected the ROWS section first');
        sawColumns = true;
      } else if (head === 'RHS' || head === 'RANGES' || head === 'BOUNDS') {
        if (!sawColumns && head !== 'BOUNDS') reject(`${head} before COLUMNS: expected the COLUMNS section first`);
      } else if (head === 'ENDATA') {
        sawEnd = true;
      }
      continue;
    }

    const t = line.trim().split(/\s+/);
    switch (section) {
      case 'OBJSENSE':
        setSense(t.join(' '));
        break;
      case 'OBJNAME':
        objNameFromSection = t[0];
        break;
      case 'ROWS':
        readRow(t.length === 2 ? t : mode !== 'free' ? fixedFields(line).slice(0, 2) : t);
        break;
      case 'COLUMNS':
        readColumn(t, line);
        break;
      case 'RHS':
      case 'RANGES':
        readRhsOrRange(t, line, section);
        break;
      case 'BOUNDS':
        readBound(t, line);
        break;
      case '':
        reject('expected a section header (NAME or ROWS) before data lines');
        break;
      default:
        reject(`unexpected data line in section ${section}`);
    }
  }
  lineNo = lines.length;
  if (!sawEnd) reject('the file ends without ENDATA: it is truncated or not an MPS file');
  if (!sawRows) reject('no ROWS section: not an MPS file');
  if (objName === undefined) {
    m.warnings.push(`${file}: no objective (N) row: the objective is zero`);
  }

  // Row bounds from types, RHS and RANGES.
  for (let i = 0; i < m.rows.length; i++) {
    const row = m.rows[i];
    const type = rowTypes[i];
    if (row === undefined || type === undefined) continue;
    const rhs = rhsValues.get(i) ?? 0;
    if (!ranged.has(i)) {
      if (type === 'L') {
        row.lb = Number.NEGATIVE_INFINITY;
        row.ub = rhs;
      } else if (type === 'G') {
        row.lb = rhs;
        row.ub = Number.POSITIVE_INFINITY;
      } else {
        row.lb = rhs;
        row.ub = rhs;
      }
    }
  }
  // MPS convention (glpsol, HiGHS): an integer column from INTORG/INTEND markers that no
  // BOUNDS line names is binary.
  let binaries = 0;
  for (const j of markerIntegers) {
    const v = m.variables[j];
    if (v === undefined || bounded.has(j)) continue;
    v.ub = 1;
    binaries++;
  }
  if (binaries > 0) {
    m.warnings.push(`${file}: ${binaries} integer column(s) without bounds read as binary [0, 1] (MPS convention)`);
  }
  if (ignoredRhsSets) m.warnings.push(`${file}: more than one RHS set: only ${quote(rhsSet ?? '')} is used`);
  if (ignoredRangeSets) m.warnings.push(`${file}: more than one RANGES set: only ${quote(rangeSet ?? '')} is used`);
  if (ignoredBoundSets) m.warnings.push(`${file}: more than one BOUNDS set: only ${quote(boundSet ?? '')} is used`);
  if (freeRows.size > 0) {
    m.warnings.push(`${file}: ${freeRows.size} free (N) row(s) besides the objective ignored`);
  }
  return b.finish();

  function setSense(word: string): void {
    const w = word.trim().toUpperCase();
    if (w === 'MAX' || w === 'MAXIMIZE' || w === 'MAXIMISE') m.sense = 'max';
    else if (w === 'MIN' || w === 'MINIMIZE' || w === 'MINIMISE') m.sense = 'min';
    else reject(`expected MIN or MAX after OBJSENSE, got ${quote(word)}`);
  }

  function readRow(t: string[]): void {
    const [typeToken, name] = t;
    if (typeToken === undefined || name === undefined || name === '') {
      reject('expected a row type (N, L, G, E) and a row name');
    }
    const type = typeToken.toUpperCase();
    if (type !== 'N' && type !== 'L' && type !== 'G' && type !== 'E') {
      reject(`expected a row type N, L, G or E, got ${quote(typeToken)}`);
    }
    if (type === 'N') {
      const wanted = objNameFromSection;
      if (objName === undefined && (wanted === undefined || wanted === name)) {
        objName = name;
        m.objectiveName = name;
      } else {
        if (freeRows.has(name) || name === objName) reject(`row ${quote(name)} is defined twice`);
        freeRows.add(name);
      }
      return;
    }
    if (name === objName || freeRows.has(name)) reject(`row ${quote(name)} is defined twice`);
    const i = b.addRow(name, 0, 0);
    if (i === undefined) reject(`row ${quote(name)} is defined twice`);
    rowTypes[i] = type;
  }

  /** Split a COLUMNS line: col row val [row val], or a MARKER line. */
  function readColumn(tokens: string[], line: string): void {
    if (tokens.length >= 3 && tokens[1]?.replace(/'/g, '').toUpperCase() === 'MARKER') {
      const kind = tokens
        .slice(2)
        .map((x) => x.replace(/'/g, '').toUpperCase())
        .find((x) => x === 'INTORG' || x === 'INTEND');
      if (kind === undefined) reject(`expected 'INTORG' or 'INTEND' in a MARKER line, got ${quote(line.trim())}`);
      integerMarker = kind === 'INTORG';
      return;
    }
    let t = tokens;
    if (!(t.length === 3 || t.length === 5) || !fitsColumn(t)) {
      if (mode !== 'free') {
        const f = fixedFields(line);
        const ft = f[5] !== '' || f[4] !== '' ? f.slice(1, 6) : f.slice(1, 4);
        if (fitsColumn(ft)) t = ft;
      }
    }
    if (!(t.length === 3 || t.length === 5)) {
      reject(`expected "column row value [row value]" in COLUMNS, got ${tokens.length} fields`);
    }
    const col = t[0] ?? '';
    if (col !== lastColumn) {
      if (columnsSeen.has(col)) {
        m.warnings.push(`${file}:${lineNo}: column ${quote(col)} continues after other columns`);
      }
      columnsSeen.add(col);
      lastColumn = col;
    }
    const j = b.variable(col);
    const v = m.variables[j];
    if (v !== undefined && integerMarker && !v.integer) {
      v.integer = true;
      markerIntegers.add(j);
    }
    for (let k = 1; k + 1 < t.length; k += 2) {
      const rowName = t[k] ?? '';
      const value = num(t[k + 1], `a coefficient for row ${quote(rowName)}`);
      if (!Number.isFinite(value))
        reject(`expected a finite coefficient for row ${quote(rowName)}, got ${quote(t[k + 1] ?? '')}`);
      if (rowName === objName) {
        m.objective[j] = (m.objective[j] ?? 0) + value;
        continue;
      }
      if (freeRows.has(rowName)) continue;
      const i = b.findRow(rowName);
      if (i === undefined) reject(`column ${quote(col)} refers to row ${quote(rowName)}, which ROWS does not define`);
      if (!b.addCoef(i, j, value, false)) {
        reject(`duplicate entry for column ${quote(col)} in row ${quote(rowName)}`);
      }
    }
  }

  function fitsColumn(t: string[]): boolean {
    if (t.length !== 3 && t.length !== 5) return false;
    return parseNumber(t[2] ?? '') !== undefined && (t.length === 3 || parseNumber(t[4] ?? '') !== undefined);
  }

  /** RHS and RANGES lines: [set] row value [row value]. */
  function readRhsOrRange(tokens: string[], line: string, which: 'RHS' | 'RANGES'): void {
    let t = tokens;
    if (!fitsPairs(t)) {
      if (mode !== 'free') {
        const f = fixedFields(line);
        const ft = f[4] !== '' || f[5] !== '' ? f.slice(1, 6) : f.slice(1, 4);
        if (fitsPairs(ft)) t = ft;
      }
    }
    if (!fitsPairs(t)) {
      reject(`expected "[set] row value [row value]" in ${which}, got ${quote(line.trim())}`);
    }
    let set = '';
    if (t.length % 2 === 1) {
      set = t[0] ?? '';
      t = t.slice(1);
    }
    if (which === 'RHS') {
      if (rhsSet === undefined) rhsSet = set;
      else if (rhsSet !== set) {
        ignoredRhsSets = true;
        return;
      }
    } else {
      if (rangeSet === undefined) rangeSet = set;
      else if (rangeSet !== set) {
        ignoredRangeSets = true;
        return;
      }
    }
    for (let k = 0; k + 1 < t.length; k += 2) {
      const rowName = t[k] ?? '';
      const value = num(t[k + 1], `a value for row ${quote(rowName)}`);
      if (rowName === objName) {
        if (which === 'RHS') {
          // Two conventions exist: CPLEX and HiGHS read the objective row's RHS as MINUS the
          // constant; GLPK (glpsol) and CBC add it AS the constant. The reference optima we are
          // checked against (glpsol and CBC: e226 = -25.86492907 with RHS -7.113) follow the
          // latter, so that is the default; `objectiveRhs: 'negated'` selects the CPLEX reading.
          m.objectiveConstant = objectiveRhs === 'negated' ? -value : value;
          m.warnings.push(
            `${file}:${lineNo}: RHS ${value} on the objective row read as objective constant ${m.objectiveConstant} (glpsol/CBC convention; CPLEX and HiGHS negate it)`,
          );
        } else {
          reject(`RANGES on the objective row ${quote(rowName)}: expected a constraint row`);
        }
        continue;
      }
      if (freeRows.has(rowName)) continue;
      const i = b.findRow(rowName);
      if (i === undefined) reject(`${which} refers to row ${quote(rowName)}, which ROWS does not define`);
      if (which === 'RHS') {
        rhsValues.set(
          i,
          value >= MPS_INFINITY ? Number.POSITIVE_INFINITY : value <= -MPS_INFINITY ? Number.NEGATIVE_INFINITY : value,
        );
        if (ranged.has(i)) applyRange(i, rangeValues.get(i) ?? 0);
      } else {
        rangeValues.set(i, value);
        ranged.add(i);
        applyRange(i, value);
      }
    }
  }

  function fitsPairs(t: string[]): boolean {
    if (t.length < 2 || t.length > 5) return false;
    const off = t.length % 2 === 1 ? 1 : 0;
    for (let k = off + 1; k < t.length; k += 2) if (parseNumber(t[k] ?? '') === undefined) return false;
    return true;
  }

  /** Row bounds of a ranged row (standard MPS sign rules); recomputed if RHS comes later. */
  function applyRange(i: number, r: number): void {
    const row = m.rows[i];
    const type = rowTypes[i];
    if (row === undefined || type === undefined) return;
    const rhs = rhsValues.get(i) ?? 0;
    const a = Math.abs(r);
    if (type === 'L') {
      row.lb = rhs - a;
      row.ub = rhs;
    } else if (type === 'G') {
      row.lb = rhs;
      row.ub = rhs + a;
    } else if (r >= 0) {
      row.lb = rhs;
      row.ub = rhs + r;
    } else {
      row.lb = rhs + r;
      row.ub = rhs;
    }
  }

  /** BOUNDS lines: TYPE [set] column [value]. */
  function readBound(tokens: string[], line: string): void {
    const type = (tokens[0] ?? '').toUpperCase();
    const needsValue = type === 'UP' || type === 'LO' || type === 'FX' || type === 'LI' || type === 'UI';
    const noValue = type === 'FR' || type === 'MI' || type === 'PL';
    if (type === 'SC') {
      reject('SC (semi-continuous) bounds are not supported: the farm solves linear and mixed-integer models only');
    }
    if (!needsValue && !noValue && type !== 'BV') {
      reject(`expected a bound type UP, LO, FX, FR, MI, PL, BV, LI or UI, got ${quote(tokens[0] ?? '')}`);
    }
    let set = '';
    let col: string | undefined;
    let valueToken: string | undefined;
    let t = tokens.slice(1);
    const fits = (x: string[]): boolean => {
      if (needsValue) return (x.length === 2 || x.length === 3) && parseNumber(x[x.length - 1] ?? '') !== undefined;
      if (noValue) return x.length === 1 || x.length === 2;
      return x.length >= 1 && x.length <= 3;
    };
    if (!fits(t) && mode !== 'free') {
      const f = fixedFields(line);
      const ft = [f[1] ?? '', f[2] ?? '', f[3] ?? ''].filter((x, k) => k < 2 || x !== '');
      if (fits(ft)) t = ft;
    }
    if (!fits(t)) {
      reject(
        needsValue
          ? `expected "${type} [set] column value" in BOUNDS, got ${quote(line.trim())}`
          : `expected "${type} [set] column" in BOUNDS, got ${quote(line.trim())}`,
      );
    }
    if (needsValue) {
      if (t.length === 3) [set = '', col, valueToken] = t;
      else [col, valueToken] = t;
    } else if (noValue) {
      if (t.length === 2) [set = '', col] = t;
      else [col] = t;
    } else {
      // BV: [set] column [value]; with two fields, a known column first means "column value".
      if (t.length === 3) [set = '', col, valueToken] = t;
      else if (t.length === 2) {
        if (b.findVariable(t[0] ?? '') !== undefined && parseNumber(t[1] ?? '') !== undefined) [col, valueToken] = t;
        else [set = '', col] = t;
      } else [col] = t;
    }
    if (boundSet === undefined) boundSet = set;
    else if (boundSet !== set) {
      ignoredBoundSets = true;
      return;
    }
    const name = col ?? '';
    const j = b.findVariable(name);
    if (j === undefined) reject(`BOUNDS refers to column ${quote(name)}, which COLUMNS does not define`);
    const v = m.variables[j];
    if (v === undefined) return;
    const value = needsValue ? num(valueToken, `a bound value for column ${quote(name)}`) : 0;
    bounded.add(j);
    switch (type) {
      case 'UP':
      case 'UI':
        v.ub = value >= MPS_INFINITY ? Number.POSITIVE_INFINITY : value;
        if (type === 'UI') v.integer = true;
        if (value < 0 && v.lb === 0 && !lbSet.has(j)) {
          v.lb = Number.NEGATIVE_INFINITY;
          m.warnings.push(
            `${file}:${lineNo}: column ${quote(name)} has a negative upper bound and no lower bound: lower bound set to -infinity (MPS convention)`,
          );
        }
        break;
      case 'LO':
      case 'LI':
        v.lb = value <= -MPS_INFINITY ? Number.NEGATIVE_INFINITY : value;
        lbSet.add(j);
        if (type === 'LI') v.integer = true;
        break;
      case 'FX':
        v.lb = value;
        v.ub = value;
        lbSet.add(j);
        break;
      case 'FR':
        v.lb = Number.NEGATIVE_INFINITY;
        v.ub = Number.POSITIVE_INFINITY;
        lbSet.add(j);
        break;
      case 'MI':
        v.lb = Number.NEGATIVE_INFINITY;
        lbSet.add(j);
        break;
      case 'PL':
        v.ub = Number.POSITIVE_INFINITY;
        break;
      case 'BV':
        v.lb = 0;
        v.ub = 1;
        v.integer = true;
        lbSet.add(j);
        break;
    }
  }
}

/** A number as MPS and LP files write it, or undefined. Accepts inf/infinity with a sign. */
export function parseNumber(token: string): number | undefined {
  if (token === '') return undefined;
  const c = token.charCodeAt(0);
  // Fast path: digits, sign or dot.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/.test(token)) {
      return Number(token.replace(/[dD]/, 'e'));
    }
  }
  const lower = token.toLowerCase();
  if (/^[+-]?inf(inity)?$/.test(lower))
    return lower.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return undefined;
}

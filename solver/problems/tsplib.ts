/**
 * TSPLIB reader (symmetric TSP instances and tour files) and TSPLIB's distance functions.
 *
 * Supported: NODE_COORD_SECTION with EUC_2D, CEIL_2D, MAN_2D, MAX_2D, ATT and GEO;
 * EXPLICIT weights in FULL_MATRIX, UPPER_ROW, LOWER_ROW, UPPER_DIAG_ROW and LOWER_DIAG_ROW;
 * DISPLAY_DATA_SECTION (coordinates to draw an EXPLICIT instance); TOUR_SECTION files.
 * Distances follow TSPLIB95 (Reinelt), e.g. EUC_2D is the Euclidean distance rounded to the
 * nearest integer. Every error names the file and the line.
 */
import { readUserFile } from '../formats/read-file.ts';

/** Edge weight types this reader understands. */
export type EdgeWeightType = 'EUC_2D' | 'CEIL_2D' | 'MAN_2D' | 'MAX_2D' | 'ATT' | 'GEO' | 'EXPLICIT';

const COORD_TYPES: readonly EdgeWeightType[] = ['EUC_2D', 'CEIL_2D', 'MAN_2D', 'MAX_2D', 'ATT', 'GEO'];

const WEIGHT_FORMATS = ['FULL_MATRIX', 'UPPER_ROW', 'LOWER_ROW', 'UPPER_DIAG_ROW', 'LOWER_DIAG_ROW'] as const;
type WeightFormat = (typeof WEIGHT_FORMATS)[number];

/** A symmetric TSP instance. JSON-safe (it travels inside a job spec). */
export interface TspInstance {
  name: string;
  comment?: string;
  dimension: number;
  type: EdgeWeightType;
  /** Node coordinates (coordinate types) or display coordinates (EXPLICIT, when given). */
  points: [number, number][] | null;
  /** EXPLICIT only: the full symmetric matrix, row-major, dimension² entries. */
  weights: number[] | null;
}

/** A TSPLIB file that cannot be read; the message starts with `file:line:`. */
export class TsplibError extends Error {
  override name = 'TsplibError';
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.file = file;
    this.line = line;
  }
}

interface Line {
  no: number;
  text: string;
}

function lines(text: string): Line[] {
  return text.split(/\r?\n/).map((t, i) => ({ no: i + 1, text: t.trim() }));
}

function show(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

const KEYWORD = /^([A-Z_]+)\s*(?::\s*(.*))?$/;

function isNumber(s: string): boolean {
  return s !== '' && Number.isFinite(Number(s));
}

/**
 * Parse a TSPLIB instance (`TYPE: TSP`). `file` names the file in errors.
 */
export function parseTsplib(text: string, file: string): TspInstance {
  const all = lines(text);
  const header = new Map<string, { value: string; line: number }>();
  let coords: (Line | undefined)[] | null = null;
  let display: (Line | undefined)[] | null = null;
  let weightTokens: { value: number; line: number }[] | null = null;
  let weightsAt = 0;
  const get = (key: string) => header.get(key)?.value;

  let dimension = 0;
  let k = 0;
  const fail = (line: number, message: string): never => {
    throw new TsplibError(file, line, message);
  };
  const needDimension = (line: number) => {
    if (dimension === 0) fail(line, 'expected DIMENSION before the data sections');
  };

  const readNodes = (section: string, at: number): (Line | undefined)[] => {
    needDimension(at);
    const nodes: (Line | undefined)[] = new Array(dimension).fill(undefined);
    let count = 0;
    while (k < all.length) {
      const l = all[k] as Line;
      if (l.text === '') {
        k++;
        continue;
      }
      if (/^[A-Z_]/.test(l.text)) break;
      const f = l.text.split(/\s+/);
      if (f.length !== 3 || !f.every(isNumber)) {
        fail(l.no, `expected "<node> <x> <y>" in ${section}, got ${show(l.text)}`);
      }
      const node = Number(f[0]);
      if (!Number.isInteger(node) || node < 1 || node > dimension) {
        fail(l.no, `expected a node number from 1 to ${dimension} (DIMENSION), got ${f[0]}`);
      }
      if (nodes[node - 1] !== undefined)
        fail(l.no, `node ${node} is given twice (first on line ${nodes[node - 1]?.no})`);
      nodes[node - 1] = l;
      count++;
      k++;
    }
    if (count !== dimension) {
      const missing = nodes.indexOf(undefined) + 1;
      fail(at, `${section} has ${count} of ${dimension} nodes (node ${missing} is missing)`);
    }
    return nodes;
  };

  while (k < all.length) {
    const l = all[k] as Line;
    k++;
    if (l.text === '') continue;
    const m = KEYWORD.exec(l.text);
    if (m === null) fail(l.no, `expected a "KEYWORD : value" line or a section name, got ${show(l.text)}`);
    const key = (m as RegExpExecArray)[1] as string;
    const value = ((m as RegExpExecArray)[2] ?? '').trim();
    if (key === 'EOF') break;
    if (key === 'NODE_COORD_SECTION') {
      coords = readNodes(key, l.no);
    } else if (key === 'DISPLAY_DATA_SECTION') {
      display = readNodes(key, l.no);
    } else if (key === 'EDGE_WEIGHT_SECTION') {
      needDimension(l.no);
      weightsAt = l.no;
      weightTokens = [];
      while (k < all.length) {
        const w = all[k] as Line;
        if (/^[A-Z_]/.test(w.text)) break;
        for (const tok of w.text.split(/\s+/)) {
          if (tok === '') continue;
          if (!isNumber(tok)) fail(w.no, `expected a number in EDGE_WEIGHT_SECTION, got ${show(tok)}`);
          weightTokens.push({ value: Number(tok), line: w.no });
        }
        k++;
      }
    } else if (key.endsWith('_SECTION')) {
      fail(l.no, `${key} is not supported (this reader handles NODE_COORD, EDGE_WEIGHT and DISPLAY_DATA sections)`);
    } else {
      if (m?.[2] === undefined) fail(l.no, `expected "${key} : value", got ${show(l.text)}`);
      header.set(key, { value, line: l.no });
      if (key === 'DIMENSION') {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1)
          fail(l.no, `expected DIMENSION to be a positive integer, got ${show(value)}`);
        // Every node takes at least a character of the file: a DIMENSION past the file's length
        // cannot be true, and arrays are sized by it (1e9 made the server run out of memory).
        if (n > text.length) {
          fail(
            l.no,
            `expected a DIMENSION this file can describe (at most ${text.length} for its ${text.length} characters), got ${n}`,
          );
        }
        dimension = n;
      }
    }
  }

  const typeLine = header.get('TYPE');
  if (typeLine !== undefined && typeLine.value !== 'TSP') {
    fail(typeLine.line, `expected TYPE : TSP (symmetric), got ${show(typeLine.value)}`);
  }
  if (dimension === 0) fail(all.length, 'expected a DIMENSION line');
  const ewt = header.get('EDGE_WEIGHT_TYPE');
  if (ewt === undefined) fail(all.length, 'expected an EDGE_WEIGHT_TYPE line');
  const type = (ewt as { value: string }).value as EdgeWeightType;
  if (type !== 'EXPLICIT' && !COORD_TYPES.includes(type)) {
    fail(
      (ewt as { line: number }).line,
      `expected EDGE_WEIGHT_TYPE to be one of ${[...COORD_TYPES, 'EXPLICIT'].join(', ')}, got ${show(type)}`,
    );
  }

  const toPoints = (nodes: (Line | undefined)[]): [number, number][] =>
    nodes.map((l) => {
      const f = (l as Line).text.split(/\s+/);
      return [Number(f[1]), Number(f[2])];
    });

  let points: [number, number][] | null = null;
  let weights: number[] | null = null;
  if (type === 'EXPLICIT') {
    const fmtLine = header.get('EDGE_WEIGHT_FORMAT');
    const format = fmtLine?.value as WeightFormat | undefined;
    if (format === undefined || !WEIGHT_FORMATS.includes(format)) {
      fail(
        fmtLine?.line ?? (ewt as { line: number }).line,
        `expected EDGE_WEIGHT_FORMAT to be one of ${WEIGHT_FORMATS.join(', ')}, got ${show(format ?? 'nothing')}`,
      );
    }
    if (weightTokens === null) fail(all.length, 'expected an EDGE_WEIGHT_SECTION for EDGE_WEIGHT_TYPE : EXPLICIT');
    weights = fillMatrix(
      weightTokens as { value: number; line: number }[],
      dimension,
      format as WeightFormat,
      file,
      weightsAt,
    );
    if (display !== null) points = toPoints(display);
  } else {
    if (coords === null) fail(all.length, `expected a NODE_COORD_SECTION for EDGE_WEIGHT_TYPE : ${type}`);
    points = toPoints(coords as Line[]);
  }

  const inst: TspInstance = { name: get('NAME') ?? file, dimension, type, points, weights };
  const comment = get('COMMENT');
  if (comment !== undefined) inst.comment = comment;
  return inst;
}

function fillMatrix(
  tokens: { value: number; line: number }[],
  n: number,
  format: WeightFormat,
  file: string,
  at: number,
): number[] {
  const w = new Array<number>(n * n).fill(0);
  let t = 0;
  const expected =
    format === 'FULL_MATRIX'
      ? n * n
      : format === 'UPPER_ROW' || format === 'LOWER_ROW'
        ? (n * (n - 1)) / 2
        : (n * (n + 1)) / 2;
  if (tokens.length !== expected) {
    const line = tokens.length > expected ? (tokens[expected] as { line: number }).line : at;
    throw new TsplibError(
      file,
      line,
      `EDGE_WEIGHT_SECTION (${format}) for DIMENSION ${n} needs ${expected} numbers, got ${tokens.length}`,
    );
  }
  const next = () => (tokens[t++] as { value: number }).value;
  for (let i = 0; i < n; i++) {
    if (format === 'FULL_MATRIX') {
      for (let j = 0; j < n; j++) w[i * n + j] = next();
    } else {
      const [lo, hi] =
        format === 'UPPER_ROW'
          ? [i + 1, n - 1]
          : format === 'UPPER_DIAG_ROW'
            ? [i, n - 1]
            : format === 'LOWER_ROW'
              ? [0, i - 1]
              : [0, i];
      for (let j = lo; j <= hi; j++) {
        const v = next();
        w[i * n + j] = v;
        w[j * n + i] = v;
      }
    }
  }
  for (let i = 0; i < n; i++) w[i * n + i] = 0;
  return w;
}

/**
 * Read and parse a TSPLIB instance file; errors name `label` (default: the path). The file is
 * read as model files are (read-file.ts): a regular file only, within the size limit, so a
 * FIFO or /dev/zero is a FormatError at once instead of a hang.
 */
export function readTsplib(path: string, label = path): TspInstance {
  return parseTsplib(readUserFile(path, label).toString('utf8'), label);
}

/** Parse a TSPLIB tour file (TOUR_SECTION, ended by -1); returns 0-based city indices. */
export function parseTour(text: string, file: string): number[] {
  const all = lines(text);
  const tour: number[] = [];
  let inSection = false;
  for (const l of all) {
    if (l.text === '') continue;
    if (!inSection) {
      if (l.text === 'TOUR_SECTION') inSection = true;
      else if (l.text === 'EOF') break;
      continue;
    }
    for (const tok of l.text.split(/\s+/)) {
      const v = Number(tok);
      if (!Number.isInteger(v)) throw new TsplibError(file, l.no, `expected a node number or -1, got ${show(tok)}`);
      if (v === -1) return tour;
      if (v < 1) throw new TsplibError(file, l.no, `expected a node number ≥ 1, got ${v}`);
      tour.push(v - 1);
    }
  }
  if (!inSection) throw new TsplibError(file, all.length, 'expected a TOUR_SECTION');
  return tour;
}

/** TSPLIB's nint: round half up, as `(int)(x + 0.5)` does for non-negative x. */
export function nint(x: number): number {
  return Math.floor(x + 0.5);
}

// biome-ignore lint/suspicious/noApproximativeNumericConstant: TSPLIB's GEO distance is defined with this truncated pi; Math.PI gives different distances.
const GEO_PI = 3.141592;
const GEO_RADIUS = 6378.388;

/** Latitude/longitude in radians from TSPLIB's DDD.MM (degrees.minutes) notation. */
function geoRadians(x: number): number {
  // TSPLIB's FAQ: truncate to whole degrees (not nint), then MM are minutes.
  const deg = Math.trunc(x);
  const min = x - deg;
  return (GEO_PI * (deg + (5.0 * min) / 3.0)) / 180.0;
}

/** The distance between nodes i and j (0-based) under the instance's TSPLIB rules. */
export function distanceFunction(inst: TspInstance): (i: number, j: number) => number {
  const n = inst.dimension;
  if (inst.type === 'EXPLICIT') {
    const w = inst.weights as number[];
    return (i, j) => w[i * n + j] as number;
  }
  const p = inst.points as [number, number][];
  const x = Float64Array.from(p, (q) => q[0]);
  const y = Float64Array.from(p, (q) => q[1]);
  // sqrt(dx² + dy²) exactly as TSPLIB's C code (Math.hypot may differ in the last bit,
  // which matters when nint lands on .5).
  const euc = (i: number, j: number) => {
    const dx = (x[i] as number) - (x[j] as number);
    const dy = (y[i] as number) - (y[j] as number);
    return Math.sqrt(dx * dx + dy * dy);
  };
  switch (inst.type) {
    case 'EUC_2D':
      return (i, j) => nint(euc(i, j));
    case 'CEIL_2D':
      return (i, j) => Math.ceil(euc(i, j));
    case 'MAN_2D':
      return (i, j) =>
        nint(Math.abs((x[i] as number) - (x[j] as number)) + Math.abs((y[i] as number) - (y[j] as number)));
    case 'MAX_2D':
      return (i, j) =>
        Math.max(
          nint(Math.abs((x[i] as number) - (x[j] as number))),
          nint(Math.abs((y[i] as number) - (y[j] as number))),
        );
    case 'ATT':
      return (i, j) => {
        const dx = (x[i] as number) - (x[j] as number);
        const dy = (y[i] as number) - (y[j] as number);
        const r = Math.sqrt((dx * dx + dy * dy) / 10.0);
        const t = nint(r);
        return t < r ? t + 1 : t;
      };
    case 'GEO': {
      const lat = Float64Array.from(p, (q) => geoRadians(q[0]));
      const lon = Float64Array.from(p, (q) => geoRadians(q[1]));
      return (i, j) => {
        if (i === j) return 0;
        const q1 = Math.cos((lon[i] as number) - (lon[j] as number));
        const q2 = Math.cos((lat[i] as number) - (lat[j] as number));
        const q3 = Math.cos((lat[i] as number) + (lat[j] as number));
        return Math.trunc(GEO_RADIUS * Math.acos(0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)) + 1.0);
      };
    }
  }
}

/** The full distance matrix, row-major (n² Int32 entries). */
export function distanceMatrix(inst: TspInstance): Int32Array {
  const n = inst.dimension;
  const d = distanceFunction(inst);
  const m = new Int32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = d(i, j);
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  return m;
}

/** Length of a closed tour under a distance matrix of size n. */
export function tourLength(matrix: Int32Array, n: number, tour: ArrayLike<number>): number {
  let len = 0;
  for (let k = 0; k < tour.length; k++) {
    const a = tour[k] as number;
    const b = tour[(k + 1) % tour.length] as number;
    len += matrix[a * n + b] as number;
  }
  return len;
}

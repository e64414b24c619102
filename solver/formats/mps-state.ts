/**
 * What the MPS section handlers share: the options, the line being read, the model being
 * built, and what earlier sections left for later ones (row types, the objective row, RHS
 * and RANGES values, which columns BOUNDS named…).
 */
import { FormatError, quote } from './format-error.ts';
import { type LinearModel, ModelBuilder } from './model.ts';
import { parseNumber } from './numbers.ts';

/** Options of `readMps`. */
export interface MpsOptions {
  /** File name used in errors. */
  file?: string;
  /**
   * How to split data lines (default `auto`: whitespace first, fixed columns as a fallback).
   * `free` never falls back; `fixed` reads exactly like `auto` (whitespace first too).
   */
  format?: 'auto' | 'free' | 'fixed';
  /**
   * How to read an RHS on the objective row: `constant` (default; glpsol and CBC, which the
   * reference optima follow) or `negated` (CPLEX, HiGHS: the RHS is minus the constant).
   */
  objectiveRhs?: 'constant' | 'negated';
}

/** A constraint row's type (N rows are not model rows). */
export type RowType = 'L' | 'G' | 'E';

/**
 * The first set name an RHS, RANGES or BOUNDS section uses: lines of any other set are
 * skipped, and the reader warns once at the end.
 */
export interface FirstSet {
  name: string | undefined;
  ignored: boolean;
}

/** The reader's state, one per file. */
export class MpsState {
  readonly file: string;
  /** Whether a line whose whitespace fields do not fit is re-read by fixed columns. */
  readonly fixedFallback: boolean;
  readonly objectiveRhs: 'constant' | 'negated';
  readonly builder = new ModelBuilder('');
  readonly model: LinearModel = this.builder.model;

  /** 1-based number of the line being read (errors and warnings name it). */
  lineNo = 0;
  /** The section the data lines belong to ('' before the first header). */
  section = '';
  sawRows = false;
  sawColumns = false;
  sawEnd = false;

  /** Row types by row index. */
  readonly rowTypes: RowType[] = [];
  /** The objective: the first N row (or the one OBJNAME names). */
  objective: string | undefined;
  /** The objective row OBJNAME asks for. */
  objectiveWanted: string | undefined;
  /** Names of N rows other than the objective: their entries are ignored (free rows). */
  readonly freeRows = new Set<string>();

  /** Between MARKER INTORG and INTEND. */
  integerMarker = false;
  lastColumn = '';
  readonly columnsSeen = new Set<string>();
  /** Columns made integer by markers (binary unless BOUNDS names them). */
  readonly markerIntegers = new Set<number>();

  /** RHS values by row index, ±1e30 already infinite. */
  readonly rhs = new Map<number, number>();
  /** RANGES values by row index, as written. */
  readonly ranges = new Map<number, number>();
  readonly rhsSet: FirstSet = { name: undefined, ignored: false };
  readonly rangeSet: FirstSet = { name: undefined, ignored: false };
  readonly boundSet: FirstSet = { name: undefined, ignored: false };

  /** Columns some BOUNDS line names. */
  readonly bounded = new Set<number>();
  /** Columns whose lower bound BOUNDS set (so a negative UP keeps it). */
  readonly lowerSet = new Set<number>();

  constructor(options: MpsOptions) {
    this.file = options.file ?? 'model.mps';
    this.fixedFallback = (options.format ?? 'auto') !== 'free';
    this.objectiveRhs = options.objectiveRhs ?? 'constant';
  }

  /** Throws a FormatError at the current line. */
  fail(message: string): never {
    throw new FormatError(this.file, this.lineNo, message);
  }

  /** A warning about the current line. */
  warnHere(message: string): void {
    this.model.warnings.push(`${this.file}:${this.lineNo}: ${message}`);
  }

  /** The number in field `token`; `what` names it in the error when it is missing or not a number. */
  number(token: string | undefined, what: string): number {
    if (token === undefined || token === '') this.fail(`expected ${what}, got nothing`);
    const v = parseNumber(token);
    if (v === undefined) this.fail(`expected ${what}, got ${quote(token)}`);
    return v;
  }
}

/** True when a line of set `set` is to be read; the first set seen is the one used. */
export function usesSet(choice: FirstSet, set: string): boolean {
  if (choice.name === undefined) choice.name = set;
  else if (choice.name !== set) {
    choice.ignored = true;
    return false;
  }
  return true;
}

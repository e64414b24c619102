/**
 * The engine-neutral linear model every reader produces and every engine consumes:
 *
 *   min|max  c'x + constant
 *   s.t.     row.lb <= sum(row.coefs * x[row.cols]) <= row.ub   for every row
 *            var.lb <= x <= var.ub, x integer where var.integer
 *
 * Infinite bounds are `-Infinity` / `Infinity` (so the model lives in one process: send file
 * paths between processes, not models).
 */

/** One column. */
export interface Variable {
  name: string;
  lb: number;
  ub: number;
  integer: boolean;
}

/** One constraint row, sparse: `cols[k]` is a variable index, `coefs[k]` its coefficient. */
export interface Row {
  name: string;
  lb: number;
  ub: number;
  cols: number[];
  coefs: number[];
}

/** A linear or mixed-integer model. */
export interface LinearModel {
  name: string;
  sense: 'min' | 'max';
  /** Name of the objective row (MPS N row, LP objective label). */
  objectiveName: string;
  /** Dense objective coefficients, one per variable. */
  objective: number[];
  objectiveConstant: number;
  variables: Variable[];
  rows: Row[];
  /** Things the reader accepted but the user should know (e.g. a negative UP bound). */
  warnings: string[];
}

/** Size figures used by `auto` engine choice and by logs. */
export interface ModelStats {
  variables: number;
  integers: number;
  rows: number;
  nonzeros: number;
}

/** Count variables, integer variables, rows and nonzeros. */
export function modelStats(model: LinearModel): ModelStats {
  let integers = 0;
  for (const v of model.variables) if (v.integer) integers++;
  let nonzeros = 0;
  for (const r of model.rows) nonzeros += r.cols.length;
  return { variables: model.variables.length, integers, rows: model.rows.length, nonzeros };
}

/** True when at least one variable is integer. */
export function isMip(model: LinearModel): boolean {
  return model.variables.some((v) => v.integer);
}

/**
 * Builds a model by name, as readers see it: variables and rows are created on first use,
 * coefficients are collected per row. Duplicate (row, column) entries are reported to the
 * caller through `addCoef`'s return value so each reader can name the offending line.
 */
export class ModelBuilder {
  readonly model: LinearModel;
  private readonly varIndex = new Map<string, number>();
  private readonly rowIndex = new Map<string, number>();
  /** Per row: column → position in the row's arrays (detects duplicates, allows merging). */
  private readonly rowCols: Map<number, number>[] = [];

  constructor(name = '') {
    this.model = {
      name,
      sense: 'min',
      objectiveName: 'obj',
      objective: [],
      objectiveConstant: 0,
      variables: [],
      rows: [],
      warnings: [],
    };
  }

  findVariable(name: string): number | undefined {
    return this.varIndex.get(name);
  }

  findRow(name: string): number | undefined {
    return this.rowIndex.get(name);
  }

  /** Index of variable `name`, created with bounds [0, +inf) if new. */
  variable(name: string): number {
    let j = this.varIndex.get(name);
    if (j === undefined) {
      j = this.model.variables.length;
      this.varIndex.set(name, j);
      this.model.variables.push({ name, lb: 0, ub: Number.POSITIVE_INFINITY, integer: false });
      this.model.objective.push(0);
    }
    return j;
  }

  /** Add a new row; returns undefined when the name is taken. */
  addRow(name: string, lb: number, ub: number): number | undefined {
    if (this.rowIndex.has(name)) return undefined;
    const i = this.model.rows.length;
    this.rowIndex.set(name, i);
    this.model.rows.push({ name, lb, ub, cols: [], coefs: [] });
    this.rowCols.push(new Map());
    return i;
  }

  /**
   * Set coefficient (row i, column j). `merge` adds to an existing entry (LP expressions may
   * repeat a variable); otherwise a repeated entry returns false and changes nothing.
   */
  addCoef(i: number, j: number, value: number, merge: boolean): boolean {
    const row = this.model.rows[i];
    const seen = this.rowCols[i];
    if (row === undefined || seen === undefined) throw new RangeError(`no row ${i}`);
    const at = seen.get(j);
    if (at !== undefined) {
      if (!merge) return false;
      row.coefs[at] = (row.coefs[at] ?? 0) + value;
      return true;
    }
    seen.set(j, row.cols.length);
    row.cols.push(j);
    row.coefs.push(value);
    return true;
  }

  warn(message: string): void {
    this.model.warnings.push(message);
  }

  /** Drop explicit zero coefficients (readers keep them while parsing to detect duplicates). */
  finish(): LinearModel {
    for (const row of this.model.rows) {
      if (!row.coefs.includes(0)) continue;
      const cols: number[] = [];
      const coefs: number[] = [];
      for (let k = 0; k < row.cols.length; k++) {
        const c = row.coefs[k] ?? 0;
        if (c !== 0) {
          cols.push(row.cols[k] ?? 0);
          coefs.push(c);
        }
      }
      row.cols = cols;
      row.coefs = coefs;
    }
    return this.model;
  }
}

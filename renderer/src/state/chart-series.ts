import type { ResultTable } from './result-table.ts';

/** Series drawn at most (one per combination of the other swept parameters); rows of further ones are counted. */
export const MAX_SERIES = 8;

/** What the sweep chart draws. Arrays are never changed after they are returned. */
export interface ChartSeries {
  /** Distinct x values, ascending. */
  x: Float64Array;
  /** One array per series, aligned with `x`: the objective there, or null (none, or not finite). */
  ys: (number | null)[][];
  /** Series labels: "name=value, …" of the other parameters ('' when there are none). */
  keys: string[];
  /** Rows not drawn because their series would be beyond MAX_SERIES. */
  hidden: number;
}

/** Merges two ascending arrays with no value in common. */
function mergeSorted(a: Float64Array, b: Float64Array): Float64Array<ArrayBuffer> {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length)
    out[k++] = (a[i] as number) < (b[j] as number) ? (a[i++] as number) : (b[j++] as number);
  while (i < a.length) out[k++] = a[i++] as number;
  while (j < b.length) out[k++] = b[j++] as number;
  return out;
}

/**
 * Sweep results as chart series: x = one swept parameter, one series per combination of the
 * others, the last finite objective at each x. Incremental: a result table only grows, so an
 * update reads only the rows that arrived since the previous one and merges their new x
 * values into the sorted axis. (Walking all rows on every redraw, with a key string per row,
 * cost a 100k-row sweep's page 20–40 ms per chart update on a slow 2-core VM, once a second.)
 */
export class ChartSeriesBuilder {
  #table: ResultTable | null = null;
  #xName = '';
  #others = '';
  #rows = 0;
  #groups = new Map<string, Map<number, number>>();
  #xSet = new Set<number>();
  #x = new Float64Array(0);
  #hidden = 0;
  #last: ChartSeries | null = null;

  /** The series of `table` against its parameter `xName`. */
  update(table: ResultTable, xName: string): ChartSeries {
    const others = table.paramNames.filter((n) => n !== xName);
    const othersKey = others.join('\0');
    if (table !== this.#table || xName !== this.#xName || othersKey !== this.#others || table.length < this.#rows)
      this.#reset(table, xName, othersKey);
    if (this.#last && this.#rows === table.length) return this.#last;

    const xs = table.params.get(xName) ?? [];
    const otherCols = others.map((n) => table.params.get(n));
    const fresh: number[] = [];
    for (let row = this.#rows; row < table.length; row++) {
      const xv = xs[row];
      const x = typeof xv === 'number' ? xv : Number(xv);
      if (!Number.isFinite(x)) continue;
      let key = '';
      for (let k = 0; k < others.length; k++) key += `${k > 0 ? ', ' : ''}${others[k]}=${otherCols[k]?.[row] ?? ''}`;
      let g = this.#groups.get(key);
      if (!g) {
        if (this.#groups.size >= MAX_SERIES) {
          this.#hidden++;
          continue;
        }
        g = new Map();
        this.#groups.set(key, g);
      }
      const y = table.objective[row] ?? Number.NaN;
      if (Number.isFinite(y)) g.set(x, y);
      if (!this.#xSet.has(x)) {
        this.#xSet.add(x);
        fresh.push(x);
      }
    }
    this.#rows = table.length;
    if (fresh.length > 0) this.#x = mergeSorted(this.#x, Float64Array.from(fresh).sort());

    const x = this.#x;
    const ys: (number | null)[][] = [];
    for (const g of this.#groups.values()) {
      const y = new Array<number | null>(x.length);
      for (let i = 0; i < x.length; i++) y[i] = g.get(x[i] as number) ?? null;
      ys.push(y);
    }
    this.#last = { x, ys, keys: [...this.#groups.keys()], hidden: this.#hidden };
    return this.#last;
  }

  #reset(table: ResultTable, xName: string, othersKey: string): void {
    this.#table = table;
    this.#xName = xName;
    this.#others = othersKey;
    this.#rows = 0;
    this.#groups = new Map();
    this.#xSet = new Set();
    this.#x = new Float64Array(0);
    this.#hidden = 0;
    this.#last = null;
  }
}

import type { TaskResult, TaskStatus } from '../../../solver/api.ts';

/** A column the results table can show and sort by. */
export type ResultColumn =
  | { kind: 'index' }
  | { kind: 'label' }
  | { kind: 'status' }
  | { kind: 'objective' }
  | { kind: 'solver' }
  | { kind: 'engine' }
  | { kind: 'time' }
  | { kind: 'param'; name: string }
  | { kind: 'value'; name: string };

/** Stable key of a column (for React keys and sort state). */
export function columnKey(c: ResultColumn): string {
  return c.kind === 'param' || c.kind === 'value' ? `${c.kind}:${c.name}` : c.kind;
}

/**
 * Results in columnar form: one array per field instead of one object per task. A sweep can
 * return 100k rows; plain number arrays stay packed and small, and sorting or charting a
 * column does not touch the others. Rows are only appended (a run never edits a result).
 */
export class ResultTable {
  /** Rows kept in memory; the run directory on disk has them all (DESIGN 'Run directory'). */
  readonly capacity: number;
  /** Results that arrived after the table was full. */
  overflow = 0;
  readonly index: number[] = [];
  readonly id: string[] = [];
  readonly label: string[] = [];
  readonly solver: number[] = [];
  readonly status: TaskStatus[] = [];
  /** NaN where the task has no objective (infeasible, error). */
  readonly objective: number[] = [];
  readonly timeMs: number[] = [];
  readonly engine: (string | undefined)[] = [];
  readonly paramNames: string[] = [];
  readonly valueNames: string[] = [];
  readonly params = new Map<string, (number | string | undefined)[]>();
  readonly values = new Map<string, (number | undefined)[]>();
  /** Error messages by row, only for failed rows (rare, so a map). */
  readonly errors = new Map<number, string>();
  /** Rows that name their engine (the engine column shows when any does). */
  private engines = 0;
  private readonly seen = new Set<string>();

  constructor(capacity = 200_000) {
    this.capacity = capacity;
  }

  get length(): number {
    return this.index.length;
  }

  /** Appends results, ignoring any task id already present (a resumed or replayed result). */
  append(results: readonly TaskResult[]): number {
    let added = 0;
    for (const r of results) {
      if (this.seen.has(r.id)) continue;
      if (this.index.length >= this.capacity) {
        this.overflow++;
        continue;
      }
      this.seen.add(r.id);
      const row = this.index.length;
      this.index.push(r.index);
      this.id.push(r.id);
      this.label.push(r.label);
      this.solver.push(r.solver);
      this.status.push(r.status);
      this.objective.push(r.objective ?? Number.NaN);
      this.timeMs.push(r.timeMs);
      this.engine.push(r.engine);
      if (r.engine !== undefined) this.engines++;
      if (r.error) this.errors.set(row, r.error.message);
      if (r.params)
        for (const [k, v] of Object.entries(r.params)) this.column(this.params, this.paramNames, k)[row] = v;
      if (r.values)
        for (const [k, v] of Object.entries(r.values)) this.column(this.values, this.valueNames, k)[row] = v;
      added++;
    }
    // Keep every column as long as the table, so row lookups never fall off the end.
    const n = this.index.length;
    for (const col of this.params.values()) if (col.length < n) col.length = n;
    for (const col of this.values.values()) if (col.length < n) col.length = n;
    return added;
  }

  private column<T>(map: Map<string, T[]>, names: string[], name: string): T[] {
    let col = map.get(name);
    if (!col) {
      col = new Array<T>(this.index.length);
      map.set(name, col);
      names.push(name);
    }
    return col;
  }

  /** Columns in display order. */
  columns(): ResultColumn[] {
    return [
      { kind: 'index' },
      { kind: 'label' },
      ...this.paramNames.map((name): ResultColumn => ({ kind: 'param', name })),
      { kind: 'status' },
      { kind: 'objective' },
      // Model jobs (batch, sweeps over files) say which engine solved each task.
      ...(this.engines > 0 ? [{ kind: 'engine' } as const] : []),
      ...this.valueNames.map((name): ResultColumn => ({ kind: 'value', name })),
      { kind: 'solver' },
      { kind: 'time' },
    ];
  }

  /** The raw value of a cell, for sorting and export. */
  cell(c: ResultColumn, row: number): number | string | undefined {
    switch (c.kind) {
      case 'index':
        return this.index[row];
      case 'label':
        return this.label[row];
      case 'status':
        return this.status[row];
      case 'objective': {
        const v = this.objective[row];
        return v === undefined || Number.isNaN(v) ? undefined : v;
      }
      case 'solver':
        return this.solver[row];
      case 'engine':
        return this.engine[row];
      case 'time':
        return this.timeMs[row];
      case 'param':
        return this.params.get(c.name)?.[row];
      case 'value':
        return this.values.get(c.name)?.[row];
    }
  }

  /**
   * Row order sorted by a column. Empty cells sort last in both directions; ties keep plan
   * order, so the table does not shuffle while results stream in.
   */
  order(c: ResultColumn, descending: boolean): Int32Array {
    const n = this.length;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (c.kind === 'index' && !descending) {
      order.sort((a, b) => (this.index[a] ?? 0) - (this.index[b] ?? 0));
      return order;
    }
    const keys = new Array<number | string | undefined>(n);
    for (let i = 0; i < n; i++) keys[i] = this.cell(c, i);
    const dir = descending ? -1 : 1;
    order.sort((a, b) => {
      const ka = keys[a];
      const kb = keys[b];
      if (ka === undefined || kb === undefined) {
        if (ka === kb) return (this.index[a] ?? 0) - (this.index[b] ?? 0);
        return ka === undefined ? 1 : -1;
      }
      let d: number;
      if (typeof ka === 'number' && typeof kb === 'number') d = ka - kb;
      else d = String(ka).localeCompare(String(kb), undefined, { numeric: true });
      return d !== 0 ? d * dir : (this.index[a] ?? 0) - (this.index[b] ?? 0);
    });
    return order;
  }

  /** One row back as a TaskResult (for JSON export). */
  result(row: number): TaskResult {
    const r: TaskResult = {
      id: this.id[row] ?? '',
      index: this.index[row] ?? row,
      label: this.label[row] ?? '',
      solver: this.solver[row] ?? 0,
      status: this.status[row] ?? 'error',
      objective: Number.isNaN(this.objective[row] ?? Number.NaN) ? null : (this.objective[row] ?? null),
      timeMs: this.timeMs[row] ?? 0,
    };
    if (this.paramNames.length) {
      const params: Record<string, number | string> = {};
      for (const k of this.paramNames) {
        const v = this.params.get(k)?.[row];
        if (v !== undefined) params[k] = v;
      }
      r.params = params;
    }
    if (this.valueNames.length) {
      const values: Record<string, number> = {};
      for (const k of this.valueNames) {
        const v = this.values.get(k)?.[row];
        if (v !== undefined) values[k] = v;
      }
      r.values = values;
    }
    const engine = this.engine[row];
    if (engine !== undefined) r.engine = engine;
    const error = this.errors.get(row);
    if (error !== undefined) r.error = { name: 'Error', message: error };
    return r;
  }
}

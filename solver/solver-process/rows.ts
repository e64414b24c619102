/**
 * Builds `rows` messages (protocol.ts ResultRows): the results of a batch in columns, so a
 * tiny task costs ~14 bytes and a few array pushes instead of an object with repeated
 * field names (DESIGN 'Performance rules': the parent's CPU per task is the limit). Rows
 * are consecutive tasks of one batch, so no plan index travels back: `take` names the
 * batch position of the first row.
 */
import type { SolveResult } from '../problems/types.ts';
import { type ResultRows, type RowExtra, STATUS_CODES } from '../protocol.ts';

const CODE = new Map<string, number>(STATUS_CODES.map((s, k) => [s, k]));

/** Collects results in columns; `take()` hands them over as one message and starts afresh. */
export class RowsWriter {
  #s: number[] = [];
  #o: (number | null)[] = [];
  #us: number[] = [];
  /** Engine of the first row (undefined: none yet / none); `#eSet` says whether it was fixed. */
  #e: string | undefined;
  #eSet = false;
  #vn: string[] | undefined;
  #v: number[] = [];
  #vr: number[] = [];
  #x: RowExtra[] = [];

  get length(): number {
    return this.#s.length;
  }

  /** Append the result of the batch's next task; `timeMs` is the solve time to report. */
  add(result: SolveResult, timeMs: number): void {
    const r = this.#s.length;
    const code = CODE.get(result.status);
    this.#s.push(code ?? -1);
    this.#o.push(result.objective);
    // Whole µs: plenty, and "11" is shorter JSON than "0.011" for the parent to parse.
    this.#us.push(Math.round(timeMs * 1000));
    let extra: RowExtra | undefined;
    if (code === undefined) extra = { r, status: String(result.status) };
    const engine = result.engine;
    if (!this.#eSet) {
      this.#eSet = true;
      this.#e = engine;
    } else if (engine !== this.#e) {
      extra ??= { r };
      extra.engine = engine ?? null;
    }
    const values = result.values;
    if (values !== undefined && !this.#flatValues(values)) {
      extra ??= { r };
      extra.values = values;
    } else if (values !== undefined) {
      this.#vr.push(r);
    }
    if (result.duals !== undefined) {
      extra ??= { r };
      extra.duals = result.duals;
    }
    if (result.gap !== undefined) {
      extra ??= { r };
      extra.gap = result.gap;
    }
    if (result.error !== undefined) {
      extra ??= { r };
      extra.error = result.error;
    }
    if (extra !== undefined) this.#x.push(extra);
  }

  /** Appends `values` to the flat column when its names are the message's `vn` (set by the first row). */
  #flatValues(values: Record<string, number>): boolean {
    let vn = this.#vn;
    if (vn === undefined) {
      vn = Object.keys(values);
      this.#vn = vn;
    }
    const v = this.#v;
    const start = v.length;
    let k = 0;
    for (const name in values) {
      if (vn[k] !== name) {
        v.length = start;
        return false;
      }
      v.push(values[name] as number);
      k++;
    }
    if (k !== vn.length) {
      v.length = start;
      return false;
    }
    return true;
  }

  /** The collected rows as a message, row 0 being the batch's task at position `at` (then empty again). */
  take(batch: number, done: boolean, at: number): ResultRows {
    const m: ResultRows = { t: 'rows', batch, done, at, s: this.#s, o: this.#o, us: this.#us };
    if (this.#e !== undefined) m.e = this.#e;
    if (this.#vn !== undefined && this.#vr.length > 0) {
      m.vn = this.#vn;
      m.v = this.#v;
      if (this.#vr.length !== this.#s.length) m.vr = this.#vr;
    }
    if (this.#x.length > 0) m.x = this.#x;
    this.#s = [];
    this.#o = [];
    this.#us = [];
    this.#e = undefined;
    this.#eSet = false;
    this.#vn = undefined;
    this.#v = [];
    this.#vr = [];
    this.#x = [];
    return m;
  }
}

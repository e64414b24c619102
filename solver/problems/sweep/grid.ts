/**
 * The parameter grid of a sweep: axes that each write one number into the model, and the
 * cartesian product of their values. The product is never materialised: task i is decoded
 * by mixed radix, so a million-task sweep costs no memory before it runs.
 *
 * Order: the FIRST axis varies SLOWEST (like nested loops written in axis order), so with
 * axes P = 100..102 and cap = [18, 20] the tasks are (100,18) (100,20) (101,18) (101,20) …
 */
import type { Reader } from '../validate.ts';
import { ValidationError } from '../validate.ts';
import { onlyKeys } from './keys.ts';
import type { ModelIndex } from './model.ts';

/** Where an axis writes its value. */
export type AxisTarget =
  | { kind: 'objective'; variable: string }
  | { kind: 'constraint'; constraint: string; bound: 'lb' | 'ub' }
  | { kind: 'variable'; variable: string; bound: 'lb' | 'ub' };

/** One axis, JSON-safe (it travels to every solver inside the spec). */
export interface Axis {
  name: string;
  target: AxisTarget;
  /** Number of values on this axis. */
  n: number;
  /** Inclusive range (when not a list). */
  from?: number;
  step?: number;
  /** Explicit values (when not a range). */
  values?: number[];
}

/** Tolerance on (to - from) / step, so 0.1..0.3 step 0.1 has 3 values despite binary floats. */
const COUNT_EPS = 1e-9;

/** Number of values in the inclusive range from..to by step (step > 0, to ≥ from). */
export function rangeCount(from: number, to: number, step: number): number {
  return Math.floor((to - from) / step + COUNT_EPS) + 1;
}

/** The j-th value of an axis (0-based). Ranges are rounded to 12 significant digits. */
export function axisValue(axis: Axis, j: number): number {
  if (axis.values !== undefined) return axis.values[j] as number;
  const from = axis.from as number;
  const step = axis.step as number;
  const v = from + j * step;
  // Integer ranges are exact; only fractional ones need the rounding (and its cost).
  if (Number.isInteger(from) && Number.isInteger(step)) return v;
  return Number(v.toPrecision(12));
}

function targetKey(t: AxisTarget): string {
  if (t.kind === 'objective') return `objective ${t.variable}`;
  if (t.kind === 'constraint') return `constraint ${t.constraint} ${t.bound}`;
  return `variable ${t.variable} ${t.bound}`;
}

function readAxis(a: Reader, index: ModelIndex): Axis {
  onlyKeys(a, ['name', 'objective', 'constraint', 'variable', 'bound', 'from', 'to', 'step', 'values']);
  const kinds = (['objective', 'constraint', 'variable'] as const).filter((k) => a.has(k));
  if (kinds.length !== 1) {
    a.fail('an axis with exactly one of "objective" (a variable name), "constraint" or "variable"');
  }
  let target: AxisTarget;
  let defaultName: string;
  if (kinds[0] === 'objective') {
    const r = a.at('objective');
    const variable = r.string();
    if (!index.variables.includes(variable)) r.fail(`the name of a variable of the model (${list(index.variables)})`);
    if (a.has('bound')) a.at('bound').fail('no "bound" on an objective axis');
    target = { kind: 'objective', variable };
    defaultName = variable;
  } else if (kinds[0] === 'constraint') {
    const r = a.at('constraint');
    const constraint = r.string();
    if (!index.constraints.includes(constraint)) {
      r.fail(`the name of a constraint of the model (${list(index.constraints)})`);
    }
    const bound = a.at('bound').oneOf(['lb', 'ub'] as const);
    target = { kind: 'constraint', constraint, bound };
    defaultName = `${constraint}.${bound}`;
  } else {
    const r = a.at('variable');
    const variable = r.string();
    if (!index.variables.includes(variable)) r.fail(`the name of a variable of the model (${list(index.variables)})`);
    if (index.binaries.has(variable)) r.fail('a variable that is not binary (GLPK fixes binary bounds to [0, 1])');
    const bound = a.at('bound').oneOf(['lb', 'ub'] as const);
    target = { kind: 'variable', variable, bound };
    defaultName = `${variable}.${bound}`;
  }
  const name = a.at('name').optional((r) => r.string(), defaultName);

  const isList = a.has('values');
  const isRange = a.has('from') || a.has('to') || a.has('step');
  if (isList === isRange) a.fail('an axis with either "values" (a list) or "from", "to" and "step" (a range)');
  if (isList) {
    const vr = a.at('values');
    const values = vr.array().map((x) => x.number());
    if (values.length === 0) vr.fail('a non-empty list of numbers');
    return { name, target, n: values.length, values };
  }
  const from = a.at('from').number();
  const to = a.at('to').number();
  const step = a.at('step').positive();
  if (to < from) a.at('to').fail(`a number ≥ "from" (${from})`);
  const n = rangeCount(from, to, step);
  if (!Number.isSafeInteger(n)) a.at('step').fail('a step that gives a countable range');
  return { name, target, n, from, step };
}

function list(names: string[]): string {
  const shown = names.slice(0, 12).map((n) => JSON.stringify(n));
  return names.length > 12 ? `${shown.join(', ')}, …` : shown.join(', ') || 'none';
}

/** Read `grid`; checks names against the model and the product against `maxTasks`. */
export function readGrid(r: Reader, index: ModelIndex, maxTasks: number): { axes: Axis[]; count: number } {
  const items = r.array();
  if (items.length === 0) r.fail('a non-empty array of axes');
  const axes: Axis[] = [];
  const names = new Set<string>();
  const targets = new Set<string>();
  items.forEach((item) => {
    const axis = readAxis(item, index);
    if (names.has(axis.name)) item.at('name').fail(`an axis name not used by another axis, got "${axis.name}"`);
    const key = targetKey(axis.target);
    if (targets.has(key)) item.fail(`an axis that writes something no other axis writes (${key})`);
    names.add(axis.name);
    targets.add(key);
    axes.push(axis);
  });
  let count = 1;
  for (const a of axes) count *= a.n;
  if (count > maxTasks) {
    const sizes = axes.map((a) => a.n).join(' × ');
    const shown = axes.length > 1 ? `${sizes} = ${count}` : String(count);
    throw new ValidationError(
      r.source,
      r.path,
      `a grid of at most ${maxTasks} tasks (raise "maxTasks" to run more), got ${shown} tasks`,
    );
  }
  return { axes, count };
}

/** Strides for mixed-radix decoding: the first axis is the slowest. */
export function strides(axes: Axis[]): number[] {
  const out = new Array<number>(axes.length);
  let s = 1;
  for (let k = axes.length - 1; k >= 0; k--) {
    out[k] = s;
    s *= (axes[k] as Axis).n;
  }
  return out;
}

/** The parameter values of task i, one per axis, in axis order. */
export function taskValues(axes: Axis[], stride: number[], i: number): number[] {
  const out = new Array<number>(axes.length);
  for (let k = 0; k < axes.length; k++) {
    const axis = axes[k] as Axis;
    out[k] = axisValue(axis, Math.floor(i / (stride[k] as number)) % axis.n);
  }
  return out;
}

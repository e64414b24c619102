/**
 * The sweep job document and its parsed spec.
 *
 * ```json
 * {
 *   "kind": "sweep",
 *   "name": "Wyndor glass: window profit P from 100 to 1000",
 *   "model": { glpk.js LP JSON },
 *   "grid": [
 *     { "name": "P", "objective": "windows", "from": 100, "to": 1000, "step": 1 },
 *     { "name": "cap3", "constraint": "plant3", "bound": "ub", "values": [18, 20] },
 *     { "variable": "doors", "bound": "lb", "values": [0, 1] }
 *   ],
 *   "output": { "values": ["doors", "windows"], "duals": false },
 *   "maxTasks": 1000000,
 *   "msglev": "err",
 *   "options": { "presol": false, "tmlim": 10, "mipgap": 0 }
 * }
 * ```
 * Instead of `model`: `"modelFile": "x.lp"` (a CPLEX LP or MPS file beside the job) or
 * `"modelText": { "name": "x.lp", "text": "…" }` (the same file's text inline).
 * `output.values`: variable names or `"all"` (default: none, objective only, since results
 * travel between processes). `output.duals`: `true`/`"all"`, a list of constraint names, or
 * `false` (default); LPs only. `msglev`: GLPK terminal output, `off`/`err`/`on`/`all`
 * (default `err`). The first grid axis varies slowest.
 */
import type { GlpkSolveOptions, LP } from '../../engines/glpk-runtime.ts';
import { MSG_LEVELS } from '../../engines/glpk-runtime.ts';
import { ENGINE_CHOICES, type EngineChoice } from '../../engines/types.ts';
import { modelFileAsGlpk, modelTextAsGlpk } from '../model-file-field.ts';
import type { ParseContext } from '../types.ts';
import { Reader } from '../validate.ts';
import type { Axis } from './grid.ts';
import { readGrid } from './grid.ts';
import { onlyKeys } from './keys.ts';
import { readModel } from './model.ts';

/** Default cap on the number of grid points. */
export const DEFAULT_MAX_TASKS = 1_000_000;

/**
 * The largest `maxTasks` a sweep may ask for: the most tasks one run may plan (the farm's
 * MAX_PLANNED_TASKS, solver/farm/plan-check.ts, which a test keeps equal), since every run
 * sizes per-task arrays by the count. Checked here so the error names `$.maxTasks`.
 */
export const MAX_SWEEP_TASKS = 100_000_000;

/** A parsed sweep job (JSON-safe: it is sent to every solver process once). */
export interface SweepSpec {
  name: string;
  model: LP;
  isMip: boolean;
  axes: Axis[];
  count: number;
  output: { values: string[] | 'all'; duals: string[] | 'all' };
  options: GlpkSolveOptions;
  /** Engine other than glpk.js (absent: glpk). */
  engine?: EngineChoice;
}

/** Parse a sweep job document; throws a ValidationError naming file, JSON path and expectation. */
export function parseSweep(doc: unknown, ctx: ParseContext): SweepSpec {
  const r = new Reader(ctx.source, doc);
  // `policy` (failure limits) and `description` belong to the framework, not to this kind.
  onlyKeys(r, [
    'kind',
    'name',
    'description',
    'policy',
    'model',
    'grid',
    'output',
    'maxTasks',
    'msglev',
    'options',
    'modelFile',
    'modelText',
    'engine',
  ]);
  const kind = r.at('kind');
  if (kind.value !== undefined && kind.value !== 'sweep') kind.fail('"sweep"');
  const name = r.at('name').optional((x) => x.string(), ctx.source);
  // A model file (CPLEX LP / MPS) instead of inline JSON: read here, through the format readers.
  // `modelText` carries such a file's text inline (the browser cannot hand the farm a path).
  const sources = (['model', 'modelFile', 'modelText'] as const).filter((k) => r.has(k));
  if (sources.length > 1) r.at(sources[1] as string).fail('only one of "model", "modelFile" or "modelText"');
  const { model, index } = readModel(
    r.has('modelFile')
      ? modelFileAsGlpk(r.at('modelFile'), ctx)
      : r.has('modelText')
        ? modelTextAsGlpk(r.at('modelText'))
        : r.at('model'),
  );
  const engine = r.at('engine').optional((x) => x.oneOf(ENGINE_CHOICES), 'glpk' as EngineChoice);
  const maxTasks = r.at('maxTasks').optional((x) => {
    const n = x.number();
    if (!Number.isInteger(n) || n < 1 || n > MAX_SWEEP_TASKS) {
      x.fail(`an integer from 1 to ${MAX_SWEEP_TASKS} (the most tasks one run may plan)`);
    }
    return n;
  }, DEFAULT_MAX_TASKS);
  const { axes, count } = readGrid(r.at('grid'), index, maxTasks);

  const out = r.at('output');
  let values: string[] | 'all' = [];
  let duals: string[] | 'all' = [];
  if (out.value !== undefined) {
    onlyKeys(out, ['values', 'duals']);
    const vr = out.at('values');
    if (vr.value === 'all') values = 'all';
    else if (vr.value !== undefined) {
      if (!Array.isArray(vr.value)) vr.fail('"all" or a list of variable names');
      values = vr.array().map((x) => {
        const v = x.string();
        if (!index.variables.includes(v)) x.fail('the name of a variable of the model');
        return v;
      });
    }
    const dr = out.at('duals');
    if (dr.value === true || dr.value === 'all') duals = 'all';
    else if (Array.isArray(dr.value)) {
      duals = dr.array().map((x) => {
        const v = x.string();
        if (!index.constraints.includes(v)) x.fail('the name of a constraint of the model');
        return v;
      });
    } else if (dr.value !== undefined && dr.value !== false) {
      dr.fail('true, false, "all" or a list of constraint names');
    }
    if (index.isMip && (duals === 'all' || duals.length > 0)) {
      dr.fail('false for a MIP model (GLPK gives duals only for LPs)');
    }
  }

  const options: GlpkSolveOptions = {};
  options.msglev = r.at('msglev').optional((x) => x.oneOf(MSG_LEVELS), 'err');
  const opt = r.at('options');
  if (opt.value !== undefined) {
    onlyKeys(opt, ['presol', 'tmlim', 'mipgap', 'msglev']);
    if (opt.has('presol')) options.presol = opt.at('presol').boolean();
    if (opt.has('tmlim')) options.tmlim = opt.at('tmlim').positive();
    if (opt.has('mipgap')) {
      const g = opt.at('mipgap').number();
      if (g < 0) opt.at('mipgap').fail('a number ≥ 0');
      options.mipgap = g;
    }
    if (opt.has('msglev')) options.msglev = opt.at('msglev').oneOf(MSG_LEVELS);
  }

  const spec: SweepSpec = { name, model, isMip: index.isMip, axes, count, output: { values, duals }, options };
  if (engine !== 'glpk') spec.engine = engine;
  return spec;
}

/**
 * Turning what the model panel holds (opened model files, sweep axes typed by the user, engine
 * and time limit) into job documents the farm takes: a sweep over one model given inline
 * (`modelText`, or `model` for a glpk.js JSON file), or a batch of inline models (`models`).
 * Pure functions: no store, no farm.
 */
import type { ModelFile } from '../../../solver/api.ts';

/** Engines a job can ask for (solver/engines ENGINE_CHOICES). */
export const ENGINES = ['glpk', 'highs', 'auto'] as const;
export type EngineName = (typeof ENGINES)[number];

/** Whether the model is a glpk.js JSON LP (swept through the job's `model` field). */
export function isJsonModel(name: string): boolean {
  return name.toLowerCase().endsWith('.json');
}

/** The farm's default cap on a sweep's grid points (solver/problems/sweep DEFAULT_MAX_TASKS). */
export const SWEEP_CAP = 1_000_000;

/** What an axis changes: an objective coefficient, a constraint's bound, a variable's bound. */
export type AxisKind = 'objective' | 'constraint' | 'variable';

/** One sweep axis as typed in the form (numbers are kept as typed until the job is built). */
export interface AxisDraft {
  /** Stable key for React and focus. */
  key: number;
  kind: AxisKind;
  /** Variable name (objective, variable) or constraint name. */
  target: string;
  bound: 'lb' | 'ub';
  mode: 'range' | 'list';
  from: string;
  to: string;
  step: string;
  /** Comma- or space-separated numbers. */
  values: string;
}

/** Engine and time limit, shared by sweeps and batches. */
export interface SolveSettings {
  engine: EngineName;
  /** Seconds per task as typed; empty = no limit. */
  timeLimit: string;
}

/** A job built from the form, or the first thing wrong with the form in plain words. */
export type BuiltJob = { ok: true; job: Record<string, unknown>; source: string } | { ok: false; error: string };

function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** The numbers of a list field, or the first entry that is not a number. */
export function parseList(text: string): { values: number[] } | { bad: string } {
  const parts = text
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const values: number[] = [];
  for (const p of parts) {
    const n = Number(p);
    if (!Number.isFinite(n)) return { bad: p };
    values.push(n);
  }
  return { values };
}

/** The grid axis (job JSON) for one draft, or what is wrong with it. */
function axisJson(a: AxisDraft, n: number): Record<string, unknown> | string {
  const where = `Axis ${n}`;
  if (a.target === '') {
    return `${where}: choose ${a.kind === 'constraint' ? 'a constraint' : 'a variable'}.`;
  }
  const out: Record<string, unknown> =
    a.kind === 'objective'
      ? { objective: a.target }
      : a.kind === 'constraint'
        ? { constraint: a.target, bound: a.bound }
        : { variable: a.target, bound: a.bound };
  if (a.mode === 'list') {
    const list = parseList(a.values);
    if ('bad' in list) return `${where}: "${list.bad}" in the list of values is not a number.`;
    if (list.values.length === 0) return `${where}: type at least one value (numbers separated by commas).`;
    out.values = list.values;
    return out;
  }
  const from = parseNumber(a.from);
  const to = parseNumber(a.to);
  const step = parseNumber(a.step);
  if (from === undefined) return `${where}: "from" must be a number.`;
  if (to === undefined) return `${where}: "to" must be a number.`;
  if (step === undefined || step <= 0) return `${where}: "step" must be a number greater than 0.`;
  if (to < from) return `${where}: "to" (${to}) is below "from" (${from}); swap them.`;
  Object.assign(out, { from, to, step });
  return out;
}

/** The time limit in seconds, undefined for none, or an error. */
function timeLimitOf(s: SolveSettings): number | undefined | string {
  const t = s.timeLimit.trim();
  if (t === '') return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || n <= 0)
    return 'The time limit must be a number of seconds greater than 0, or empty for none.';
  return n;
}

/**
 * A sweep over one model: one task per grid point. With no axes yet, an LP / MPS model is
 * solved once as it is (a batch of one); a glpk.js JSON model needs an axis (batches read files).
 */
export function buildSweep(model: ModelFile, axes: readonly AxisDraft[], settings: SolveSettings): BuiltJob {
  if (axes.length === 0) {
    if (isJsonModel(model.name)) return { ok: false, error: 'Add an axis to sweep this model.' };
    return buildBatch([model], settings, model.name);
  }
  const grid: Record<string, unknown>[] = [];
  for (const [i, a] of axes.entries()) {
    const axis = axisJson(a, i + 1);
    if (typeof axis === 'string') return { ok: false, error: axis };
    grid.push(axis);
  }
  const tl = timeLimitOf(settings);
  if (typeof tl === 'string') return { ok: false, error: tl };
  const job: Record<string, unknown> = { kind: 'sweep', name: `${model.name}: sweep`, grid };
  if (isJsonModel(model.name)) {
    try {
      job.model = JSON.parse(model.text);
    } catch (e) {
      return { ok: false, error: `${model.name}: not valid JSON (${e instanceof Error ? e.message : String(e)}).` };
    }
  } else {
    job.modelText = { name: model.name, text: model.text };
  }
  if (settings.engine !== 'glpk') job.engine = settings.engine;
  if (tl !== undefined) job.options = { tmlim: tl };
  return { ok: true, job, source: `${model.name} sweep` };
}

/** A batch of models: one task per model, each solved as it is. */
export function buildBatch(models: readonly ModelFile[], settings: SolveSettings, title: string): BuiltJob {
  const json = models.find((m) => isJsonModel(m.name));
  if (json) {
    return {
      ok: false,
      error: `${json.name} is a glpk.js JSON model: a batch takes CPLEX LP and MPS files. Open it on its own to sweep it.`,
    };
  }
  const tl = timeLimitOf(settings);
  if (typeof tl === 'string') return { ok: false, error: tl };
  const job: Record<string, unknown> = {
    kind: 'batch',
    name: title,
    models: models.map((m) => ({ name: m.name, text: m.text })),
    engine: settings.engine,
  };
  if (tl !== undefined) job.timeLimitSec = tl;
  return { ok: true, job, source: title };
}

/** Count of a sweep's grid as the form says, before the farm is asked (null if not computable). */
export function localCount(axes: readonly AxisDraft[]): number | null {
  let count = 1;
  for (const a of axes) {
    if (a.mode === 'list') {
      const list = parseList(a.values);
      if ('bad' in list) return null;
      count *= list.values.length;
    } else {
      const from = parseNumber(a.from);
      const to = parseNumber(a.to);
      const step = parseNumber(a.step);
      if (from === undefined || to === undefined || step === undefined || step <= 0 || to < from) return null;
      count *= Math.floor((to - from) / step + 1e-9) + 1;
    }
  }
  return count;
}

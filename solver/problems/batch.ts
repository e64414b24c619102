/**
 * The `batch` job kind: a set of model files (CPLEX LP, MPS, gzip-compressed or not), one task
 * per file.
 *
 * ```json
 * { "kind": "batch", "files": ["a.mps", "models/"], "engine": "glpk" | "highs" | "auto",
 *   "timeLimitSec": 60, "mipGap": 0, "msglev": "on",
 *   "output": { "values": "all" | "nonzero" | ["x1", "x2"] | "none" } }
 * ```
 * Instead of `files`, `"models": [{ "name": "a.lp", "text": "…" }]` gives the models inline
 * (the browser cannot hand the farm a path): the texts travel once, in the spec sent to each
 * solver at setup, and each task still carries only its label; each model is parsed in the
 * solver process, as a file would be.
 *
 * Paths resolve against the job file's folder; folders are searched recursively for `.lp`,
 * `.mps`, `.lp.gz` and `.mps.gz` files, in sorted (deterministic) order. The main side only
 * lists the files: each task carries one file path, and the solver process reads and parses
 * it, so a batch of big models does not parse everything in the main process. A file that does
 * not parse gives that task status `error` with the file, line and reason.
 *
 * Defaults: engine `auto`, no time limit, mipGap 0, msglev `on` (GLPK's / HiGHS's own log in
 * each core's log), values `none` (results travel between processes and into the journal).
 */
import { opendir, stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { loadEngine } from '../engines/index.ts';
import type { Engine, EngineChoice, MsgLevel } from '../engines/types.ts';
import { ENGINE_CHOICES } from '../engines/types.ts';
import { FormatError } from '../formats/format-error.ts';
import { modelStats } from '../formats/model.ts';
import { modelFormat, readModelFile } from '../formats/read-model.ts';
import { jobFilePath, mayRead } from './job-access.ts';
import { parseInlineModel, readInlineModel } from './model-file-field.ts';
import type { ParseContext, ProblemKind, SolveResult, SolverContext, TaskPlan } from './types.ts';
import { Reader } from './validate.ts';

/** Which variable values a result carries. */
export type ValuesChoice = 'all' | 'nonzero' | 'none' | string[];

/** A parsed batch job (JSON-safe: sent to every solver process once). */
export interface BatchSpec {
  /** Absolute paths, sorted within each listed folder, in the order the job lists them. */
  files: string[];
  /** Labels: each file's path relative to the job's folder (or its own folder list entry). */
  labels: string[];
  engine: EngineChoice;
  timeLimitSec?: number;
  mipGap: number;
  msglev: MsgLevel;
  values: ValuesChoice;
  /** Inline models (`models`): their texts, parallel to `files`/`labels` (which hold their names). */
  texts?: string[];
}

/**
 * A batch task: the file to solve, by its label (its path relative to the job's folder, so a
 * task's identity, a hash of it, survives moving the job together with its models).
 */
export type BatchTask = string;

const MSG_LEVELS: readonly MsgLevel[] = ['off', 'err', 'on', 'all'];

/** True for a file name the readers understand. */
export function isModelFile(name: string): boolean {
  return modelFormat(name) !== undefined;
}

/**
 * Folder entries a batch may walk through, in all its folders together. A folder such as `/`
 * or `/usr` holds millions: walking it would take minutes and the task list gigabytes.
 */
export const MAX_WALK_ENTRIES = 200_000;

/** A folder walk that went past {@link MAX_WALK_ENTRIES}. */
export class WalkLimitError extends Error {
  override name = 'WalkLimitError';
}

/**
 * All model files under `dir`, recursively, sorted by relative path (byte order:
 * deterministic). Asynchronous, so a large folder never stalls the farm's event loop
 * (Status, the page); symbolic links to folders are not followed (no loops). `budget.left`
 * counts the entries still allowed; past it a WalkLimitError says how far it got.
 */
export async function listModelFiles(dir: string, budget = { left: MAX_WALK_ENTRIES }): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const subfolders: string[] = [];
    try {
      for await (const e of await opendir(d)) {
        if (--budget.left < 0) {
          throw new WalkLimitError(
            `a folder of at most ${MAX_WALK_ENTRIES.toLocaleString('en-US')} files and folders (${dir} has more): name a smaller folder`,
          );
        }
        const p = resolve(d, e.name);
        if (e.isDirectory()) subfolders.push(p);
        else if ((e.isFile() || e.isSymbolicLink()) && isModelFile(e.name)) out.push(p);
      }
    } catch (err) {
      // The folder the job names must be readable; a subfolder we may not read (or that
      // vanished meanwhile) holds nothing we could solve, so it is passed over.
      if (d === dir || err instanceof WalkLimitError) throw err;
    }
    for (const sub of subfolders) await walk(sub);
  };
  await walk(dir);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Parse a batch job document; throws a ValidationError naming file, JSON path and expectation. */
export async function parseBatch(doc: unknown, ctx: ParseContext): Promise<BatchSpec> {
  const r = new Reader(ctx.source, doc);
  r.object();
  const kind = r.at('kind');
  if (kind.value !== undefined && kind.value !== 'batch') kind.fail('"batch"');
  if (r.has('files') && r.has('models')) r.at('models').fail('either "files" or "models", not both');
  const filesField = r.at('files');
  const files: string[] = [];
  const labels: string[] = [];
  const labelSet = new Set<string>();
  const seen = new Set<string>();
  let texts: string[] | undefined;
  const list = r.has('models') ? [] : filesField.array();
  if (r.has('models')) {
    const modelsField = r.at('models');
    const models = modelsField.array();
    if (models.length === 0) modelsField.fail('a non-empty array of { "name", "text" } models');
    texts = [];
    for (const item of models) {
      const m = readInlineModel(item);
      // Names identify tasks (and their results across resumes): keep them unique.
      if (labelSet.has(m.name)) item.at('name').fail(`a name not used by another model (${m.name} is)`);
      labelSet.add(m.name);
      files.push(m.name);
      labels.push(m.name);
      texts.push(m.text);
    }
  } else if (list.length === 0) filesField.fail('a non-empty array of model files or folders');
  const budget = { left: MAX_WALK_ENTRIES };
  for (const item of list) {
    const given = item.string();
    const path = jobFilePath(item, ctx, given);
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch {
      return item.fail(`an existing file or folder (nothing at ${path})`);
    }
    let found = [path];
    if (isDir) {
      try {
        // A link inside an exposed folder may lead out of it: such files are left out.
        found = (await listModelFiles(path, budget)).filter((f) => mayRead(ctx, f));
      } catch (err) {
        if (err instanceof WalkLimitError) item.fail(err.message);
        return item.fail(`a readable folder (${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
    }
    if (isDir && found.length === 0)
      item.fail(`a folder holding .lp, .mps, .lp.gz or .mps.gz files (${path} has none)`);
    if (!isDir && !isModelFile(path)) item.fail('a model file ending in .lp, .mps, .lp.gz or .mps.gz, or a folder');
    for (const f of found) {
      if (seen.has(f)) continue;
      seen.add(f);
      files.push(f);
      const label = labelOf(f, ctx.baseDir, isDir ? path : undefined, given);
      // Labels identify tasks (and their results across resumes): keep them unique.
      labels.push(labelSet.has(label) ? f : label);
      labelSet.add(label);
    }
  }
  const engine = r.at('engine').optional((x) => x.oneOf(ENGINE_CHOICES), 'auto' as EngineChoice);
  const timeLimit = r.at('timeLimitSec').optional((x) => x.positive(), undefined);
  const mipGap = r.at('mipGap').optional((x) => {
    const v = x.number();
    if (v < 0) x.fail('a number >= 0');
    return v;
  }, 0);
  const msglev = r.at('msglev').optional((x) => x.oneOf(MSG_LEVELS), 'on' as MsgLevel);
  const out = r.at('output');
  if (out.value !== undefined) out.object();
  const valuesField = out.at('values');
  let values: ValuesChoice = 'none';
  if (Array.isArray(valuesField.value)) values = valuesField.array().map((x) => x.string());
  else if (valuesField.value !== undefined) values = valuesField.oneOf(['all', 'nonzero', 'none'] as const);
  const spec: BatchSpec = { files, labels, engine, mipGap, msglev, values };
  if (texts !== undefined) spec.texts = texts;
  if (timeLimit !== undefined) spec.timeLimitSec = timeLimit;
  return spec;
}

/**
 * A file's label: its path relative to the job's folder when inside it; else, for a file found
 * in a listed folder, the folder's name and the path below it; else the path as given.
 */
function labelOf(file: string, baseDir: string, folder: string | undefined, given: string): string {
  const inside = (from: string): string | undefined => {
    const rel = relative(from, file);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : undefined;
  };
  const rel = inside(baseDir);
  if (rel !== undefined) return rel;
  if (folder !== undefined) {
    const below = inside(folder);
    if (below !== undefined) return `${basename(folder)}/${below}`;
  }
  return given;
}

/** Task plan: one task per file; the task is the file's label. */
export function planBatch(spec: BatchSpec): TaskPlan<BatchTask> {
  const plan: TaskPlan<BatchTask> = {
    type: 'tasks',
    count: spec.files.length,
    task: (i) => spec.labels[i] as string,
    label: (i) => spec.labels[i] as string,
    params: (i) => ({ file: spec.labels[i] as string }),
  };
  if (spec.timeLimitSec !== undefined) plan.engineTimeLimitMs = spec.timeLimitSec * 1000;
  return plan;
}

/** What a solver process holds for a batch. */
export interface BatchState {
  spec: BatchSpec;
  engine: Engine;
  /** File path by label (the task). */
  files: Map<string, string>;
  /** Inline models: plan index by label (the task). */
  inline?: Map<string, number>;
}

/** Solve one model file with the job's engine and options. Never throws: failures are results. */
export function solveFile(state: BatchState, label: BatchTask, ctx: SolverContext): SolveResult {
  const { spec, engine } = state;
  const file = state.files.get(label) ?? label;
  const inlineIndex = state.inline?.get(label);
  const t0 = performance.now();
  let model: ReturnType<typeof readModelFile>;
  try {
    model =
      inlineIndex === undefined
        ? readModelFile(file, { label })
        : parseInlineModel({ name: label, text: spec.texts?.[inlineIndex] ?? '' });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    ctx.log(`${label}: ${e.message}`);
    return {
      status: 'error',
      objective: null,
      timeMs: performance.now() - t0,
      engine: engine.name,
      error: { name: e instanceof FormatError ? 'FormatError' : e.name, message: e.message },
    };
  }
  const readMs = performance.now() - t0;
  const s = modelStats(model);
  ctx.log(
    `${label}: read in ${readMs.toFixed(1)} ms: ${s.rows} rows, ${s.variables} columns (${s.integers} integer), ${s.nonzeros} nonzeros`,
  );
  for (const w of model.warnings.slice(0, 5)) ctx.log(`${label}: warning: ${w}`);
  const r = engine.solve(model, {
    ...(spec.timeLimitSec !== undefined ? { timeLimitSec: spec.timeLimitSec } : {}),
    mipGap: spec.mipGap,
    msgLevel: spec.msglev,
    log: ctx.log,
  });
  const objText = r.objective === null ? '' : ` objective ${r.objective}`;
  ctx.log(
    `${label}: ${r.status}${objText} (${r.engine}, ${r.timeMs.toFixed(1)} ms)${r.message ? `: ${r.message}` : ''}`,
  );
  const out: SolveResult = { status: r.status, objective: r.objective, timeMs: r.timeMs, engine: r.engine };
  if (r.gap !== undefined) out.gap = r.gap;
  if (r.status === 'error')
    out.error = { name: 'EngineError', message: `${label}: ${r.message ?? 'the engine failed'}` };
  const values = pickValues(model.variables, r.values, spec.values);
  if (values !== undefined) out.values = values;
  return out;
}

/** The variable values a job asked for, by name. */
export function pickValues(
  variables: { name: string }[],
  x: ArrayLike<number> | null,
  choice: ValuesChoice,
): Record<string, number> | undefined {
  if (x === null || choice === 'none') return undefined;
  const out: Record<string, number> = {};
  if (Array.isArray(choice)) {
    const wanted = new Set(choice);
    variables.forEach((v, j) => {
      if (wanted.has(v.name)) out[v.name] = x[j] ?? 0;
    });
    return out;
  }
  variables.forEach((v, j) => {
    const val = x[j] ?? 0;
    if (choice === 'all' || val !== 0) out[v.name] = val;
  });
  return out;
}

/** The batch kind. */
export const batch: ProblemKind<BatchSpec, BatchTask, BatchState> = {
  kind: 'batch',
  parse: parseBatch,
  plan: planBatch,
  async setup(spec, ctx) {
    const engine = await loadEngine(spec.engine);
    ctx.log(`batch: ${spec.files.length} ${spec.texts ? 'inline models' : 'files'}, engine ${engine.version}`);
    const state: BatchState = { spec, engine, files: new Map(spec.labels.map((l, i) => [l, spec.files[i] ?? l])) };
    if (spec.texts) state.inline = new Map(spec.labels.map((l, i) => [l, i]));
    return state;
  },
  solve: solveFile,
};

export default batch;

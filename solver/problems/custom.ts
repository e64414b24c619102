/**
 * The `custom` kind: a user's own module whose default export is a ProblemKind (the
 * framework use; also how tests inject slow and crashing fixture kinds).
 *
 * Job document: `{ "kind": "custom", "module": "./my-kind.ts", "spec": { … } }`. The module
 * path resolves against the job file's folder, and who sent the job decides whether it may
 * be loaded at all (job-access.ts: beneath the job file's folder, or `serve --allow-modules`).
 * The main side imports it to parse, plan and reduce; each solver process imports the same
 * absolute path (carried in the spec sent at setup) to set up, solve and step. A preview
 * checks the path but imports nothing: previewing a job never runs its code.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { jobModulePath } from './job-access.ts';
import type { AnyProblemKind, ParseContext, Plan, ProblemKind, Reduced, SolveResult, SolverContext } from './types.ts';
import { Reader, ValidationError } from './validate.ts';

/** The parsed custom job: the module's absolute path and the spec its kind parsed. */
export interface CustomSpec {
  module: string;
  spec: unknown;
}

/** What a solver process holds for a custom job. */
interface CustomState {
  inner: AnyProblemKind;
  state: unknown;
}

/** Kinds loaded by absolute path: `plan` and `reduce` are synchronous, so they need them at hand. */
const loaded = new Map<string, AnyProblemKind>();

/** What is wrong with a module's default export as a problem kind, or null when nothing is. */
function kindShapeProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object') {
    return 'its default export is not a problem kind (an object with parse, plan and setup functions)';
  }
  const v = value as Record<string, unknown>;
  const missing = ['parse', 'plan', 'setup'].filter((name) => typeof v[name] !== 'function');
  if (missing.length > 0) {
    return `its default export is not a problem kind: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not a function`;
  }
  const wrong = ['solve', 'step', 'reduce', 'view'].filter(
    (name) => v[name] !== undefined && typeof v[name] !== 'function',
  );
  if (wrong.length > 0) return `its ${wrong.join(', ')} must be a function when given`;
  return null;
}

/** Import a kind module by absolute path; throws a plain Error (the caller locates it). */
async function importKind(path: string): Promise<AnyProblemKind> {
  const cached = loaded.get(path);
  if (cached) return cached;
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  const problem = kindShapeProblem(mod.default);
  if (problem !== null) throw new Error(problem);
  const kind = mod.default as AnyProblemKind;
  loaded.set(path, kind);
  return kind;
}

function innerOf(spec: CustomSpec): AnyProblemKind {
  const inner = loaded.get(spec.module);
  if (!inner) throw new Error(`custom kind module ${spec.module} was not loaded: parse the job first`);
  return inner;
}

/** Re-locate an inner kind's error under `$.spec`, keeping its wording. */
function underSpec(err: ValidationError): ValidationError {
  const path = `$.spec${err.path.slice(1)}`;
  const moved = new ValidationError(err.source, path, err.expected);
  moved.message = err.message.replace(`${err.source}: ${err.path}:`, `${err.source}: ${path}:`);
  return moved;
}

export const custom: ProblemKind<CustomSpec, unknown, CustomState, unknown, unknown> = {
  kind: 'custom',
  plansWithJobCode: true,

  async parse(doc: unknown, ctx: ParseContext): Promise<CustomSpec> {
    const r = new Reader(ctx.source, doc);
    r.object();
    const moduleField = r.at('module');
    const path = jobModulePath(moduleField, ctx);
    if (!existsSync(path)) {
      moduleField.fail(`a path to a kind module, relative to ${ctx.baseDir} (no file at ${path})`);
    }
    // Preview reads the spec; it never runs code, and a custom kind's spec is its own to check.
    if (ctx.preview === true) return { module: path, spec: r.at('spec').value };
    const inner = await importKind(path).catch((err: unknown) => {
      const why = err instanceof Error ? err.message : String(err);
      return moduleField.fail(`a module that loads and default-exports a problem kind (${path}: ${why})`);
    });
    try {
      const spec = await inner.parse(r.at('spec').value, ctx);
      return { module: path, spec };
    } catch (err) {
      throw err instanceof ValidationError ? underSpec(err) : err;
    }
  },

  plan(spec: CustomSpec): Plan<unknown, unknown> {
    return innerOf(spec).plan(spec.spec);
  },

  view(spec: CustomSpec) {
    return innerOf(spec).view?.(spec.spec) ?? { kind: 'none' };
  },

  async setup(spec: CustomSpec, ctx: SolverContext): Promise<CustomState> {
    const inner = await importKind(spec.module);
    return { inner, state: await inner.setup(spec.spec, ctx) };
  },

  solve(state: CustomState, task: unknown, ctx: SolverContext): SolveResult {
    const solve = state.inner.solve;
    if (!solve) throw new Error(`custom kind "${state.inner.kind}" has no solve()`);
    return solve(state.state, task, ctx);
  },

  step(state: CustomState, k: number, input: unknown, ctx: SolverContext): unknown {
    const step = state.inner.step;
    if (!step) throw new Error(`custom kind "${state.inner.kind}" has no step()`);
    return step(state.state, k, input, ctx);
  },

  reduce(k: number, outputs: { solver: number; output: unknown }[], spec: CustomSpec): Reduced<unknown> {
    const inner = innerOf(spec);
    if (!inner.reduce) throw new Error(`custom kind "${inner.kind}" has no reduce(): it cannot run barrier steps`);
    return inner.reduce(k, outputs, spec.spec);
  },
};

export default custom;

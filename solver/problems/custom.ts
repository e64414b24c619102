/**
 * The `custom` kind: a user's own module whose default export is a ProblemKind (the
 * framework use; also how tests inject slow and crashing fixture kinds).
 *
 * Job document: `{ "kind": "custom", "module": "./my-kind.ts", "spec": { … } }`. The module
 * path resolves against the job file's folder. The main side imports it to parse, plan and
 * reduce; each solver process imports the same absolute path (carried in the spec sent at
 * setup) to set up, solve and step.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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

function isProblemKind(value: unknown): value is AnyProblemKind {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.parse === 'function' && typeof v.plan === 'function' && typeof v.setup === 'function';
}

/** Import a kind module by absolute path; throws a plain Error (the caller locates it). */
async function importKind(path: string): Promise<AnyProblemKind> {
  const cached = loaded.get(path);
  if (cached) return cached;
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  if (!isProblemKind(mod.default)) {
    throw new Error('its default export is not a problem kind (an object with parse, plan and setup functions)');
  }
  loaded.set(path, mod.default);
  return mod.default;
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

  async parse(doc: unknown, ctx: ParseContext): Promise<CustomSpec> {
    const r = new Reader(ctx.source, doc);
    r.object();
    const moduleField = r.at('module');
    const given = moduleField.string();
    const path = isAbsolute(given) ? given : resolve(ctx.baseDir, given);
    if (!existsSync(path)) {
      moduleField.fail(`a path to a kind module, relative to ${ctx.baseDir} (no file at ${path})`);
    }
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

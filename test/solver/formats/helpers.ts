/**
 * Shared helpers of the format tests: the reference models that files other writers made are
 * checked against, and a short text form of what a reader made of an input.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { EngineResult } from '../../../solver/engines/types.ts';
import type { LinearModel } from '../../../solver/formats/model.ts';

/** The reference model set (outside the repo: the suites skip without it). */
export const MODELS = join(import.meta.dirname, '../../../../shared/models');

/** Whether the reference model set, with its expected results, is there. */
export const HAVE_REFERENCE = existsSync(join(MODELS, 'reference.json'));

/** The expected outcome of one reference model. */
export interface Reference {
  status: string;
  objective?: number;
}

/** One reference model's MPS file, by model name. */
export interface ReferenceFile {
  name: string;
  mps: string;
}

/**
 * The reference models' files and expected outcomes, or none when `ready` is false: every
 * writer test walks the same set.
 */
export function referenceModels(ready: boolean): {
  files: ReferenceFile[];
  /** The expected outcome of a model; throws when reference.json has none. */
  expected(name: string): Reference;
} {
  const reference: Record<string, Reference> = ready
    ? JSON.parse(readFileSync(join(MODELS, 'reference.json'), 'utf8')).models
    : {};
  const files = ready
    ? ['lp', 'mip', 'infeasible', 'unbounded'].flatMap((d) =>
        readdirSync(join(MODELS, d))
          .filter((f) => f.endsWith('.mps'))
          .map((f) => ({ name: f.replace(/\.mps$/, ''), mps: join(MODELS, d, f) })),
      )
    : [];
  return {
    files,
    expected(name) {
      const ref = reference[name];
      if (!ref) throw new Error(`no reference for ${name}`);
      return ref;
    },
  };
}

/**
 * Asserts a solve reached the reference status and, when there is one, the reference optimum
 * less `constant` (the objective constant a writer left out) to 1e-6 relative: one tolerance for every writer.
 */
export function expectReference(result: EngineResult, ref: Reference, constant = 0): void {
  expect(result.status).toBe(ref.status);
  if (ref.objective !== undefined) {
    const expected = ref.objective - constant;
    expect(Math.abs((result.objective as number) - expected) / Math.max(1, Math.abs(expected))).toBeLessThanOrEqual(
      1e-6,
    );
  }
}

const fmt = (v: number) =>
  v === Number.POSITIVE_INFINITY ? 'inf' : v === Number.NEGATIVE_INFINITY ? '-inf' : String(v);

/**
 * What a reader made of an input, for tests that pin it: the model as short lines (objective,
 * variables, rows, warnings; infinities as inf), or the error message.
 */
export function outcome(read: () => LinearModel): string | string[] {
  let m: LinearModel;
  try {
    m = read();
  } catch (e) {
    return (e as Error).message;
  }
  return [
    `${m.name === '' ? '(no name)' : m.name} ${m.sense} ${m.objectiveName} ${m.objective.map(fmt).join(' ')} + ${fmt(m.objectiveConstant)}`,
    ...m.variables.map((v) => `var ${v.name} [${fmt(v.lb)}, ${fmt(v.ub)}]${v.integer ? ' int' : ''}`),
    ...m.rows.map(
      (r) =>
        `row ${r.name} [${fmt(r.lb)}, ${fmt(r.ub)}] ${r.cols.map((c, k) => `${fmt(r.coefs[k] ?? 0)}*${c}`).join(' ')}`,
    ),
    ...m.warnings.map((w) => `warning ${w}`),
  ];
}

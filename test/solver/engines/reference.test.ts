/**
 * Every model in ../shared/models solved in-process with each engine, against reference.json
 * (GLPK 5.0 and CBC agree): every status must match and every objective be within 1e-6
 * relative. A solve cut by the time limit must say `time-limit` and carry its incumbent,
 * which cannot beat the proven optimum.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../../solver/engines/index.ts';
import type { Engine, EngineName } from '../../../solver/engines/types.ts';
import { readModelFile } from '../../../solver/formats/read-model.ts';

const MODELS = join(import.meta.dirname, '../../../../shared/models');
const TIME_LIMIT_SEC = 15;

interface Reference {
  status: string;
  objective?: number;
  class: string;
}

const reference: Record<string, Reference> = existsSync(join(MODELS, 'reference.json'))
  ? JSON.parse(readFileSync(join(MODELS, 'reference.json'), 'utf8')).models
  : {};

const files = Object.keys(reference).length
  ? ['lp', 'mip', 'infeasible', 'unbounded'].flatMap((d) =>
      readdirSync(join(MODELS, d))
        .filter((f) => f.endsWith('.mps'))
        .map((f) => ({ name: f.replace(/\.mps$/, ''), path: join(MODELS, d, f) })),
    )
  : [];

/** Relative difference with the usual guard near zero. */
export function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe.skipIf(files.length === 0).each(['glpk', 'highs'] as EngineName[])('reference models with %s', (name) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadEngine(name);
  });

  it('covers every model of reference.json', () => {
    expect(files.map((f) => f.name).sort()).toEqual(Object.keys(reference).sort());
  });

  it.each(files)('$name', ({ name: model, path }) => {
    const ref = reference[model] as Reference;
    const r = engine.solve(readModelFile(path), { timeLimitSec: TIME_LIMIT_SEC });
    if (r.status === 'time-limit') {
      // Only a hard MIP may run out of time; it must carry an incumbent no better than the optimum.
      expect(ref.class).toBe('mip');
      expect(r.objective).not.toBeNull();
      expect(r.objective as number).toBeGreaterThanOrEqual(
        (ref.objective as number) - 1e-6 * Math.abs(ref.objective as number),
      );
      return;
    }
    expect(r.status, r.message).toBe(ref.status);
    if (ref.objective !== undefined) {
      expect(r.objective).not.toBeNull();
      expect(relativeError(r.objective as number, ref.objective)).toBeLessThanOrEqual(1e-6);
    } else {
      expect(r.objective).toBeNull();
    }
  });
});

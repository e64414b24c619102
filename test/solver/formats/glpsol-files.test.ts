/**
 * The readers against an independent writer. Fixed MPS: glpsol's `--wmps` output must read to
 * the same optimum as the original file (constant included: glpsol writes it back the way it
 * reads it). CPLEX LP: glpsol (GLPK's native CLI) writes every
 * reference model as CPLEX LP (`--wlp`); each file must read and solve to the reference
 * optimum. glpsol leaves the objective constant out of LP files, so the expected value is the
 * reference minus the constant the MPS file states.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../../solver/engines/index.ts';
import type { Engine } from '../../../solver/engines/types.ts';
import { readModelFile } from '../../../solver/formats/read-model.ts';

const MODELS = join(import.meta.dirname, '../../../../shared/models');

function hasGlpsol(): boolean {
  try {
    execFileSync('glpsol', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const READY = existsSync(join(MODELS, 'reference.json')) && hasGlpsol();
const reference: Record<string, { status: string; objective?: number }> = READY
  ? JSON.parse(readFileSync(join(MODELS, 'reference.json'), 'utf8')).models
  : {};
const files = READY
  ? ['lp', 'mip', 'infeasible', 'unbounded'].flatMap((d) =>
      readdirSync(join(MODELS, d))
        .filter((f) => f.endsWith('.mps'))
        .map((f) => ({ name: f.replace(/\.mps$/, ''), mps: join(MODELS, d, f) })),
    )
  : [];

const out = mkdtempSync(join(tmpdir(), 'glpsol-lp-'));
let highs: Engine;
beforeAll(async () => {
  highs = await loadEngine('highs');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!READY)('CPLEX LP files written by glpsol', () => {
  it.each(files)('$name', ({ name, mps }) => {
    const lp = join(out, `${name}.lp`);
    // Write into our own temp folder (glpsol replaces its output file).
    execFileSync('glpsol', ['--freemps', mps, '--wlp', lp], { stdio: 'pipe' });
    const model = readModelFile(lp);
    const ref = reference[name];
    if (!ref) throw new Error(`no reference for ${name}`);
    const r = highs.solve(model, { timeLimitSec: 20 });
    expect(r.status).toBe(ref.status);
    if (ref.objective !== undefined) {
      const expected = ref.objective - readModelFile(mps).objectiveConstant;
      expect(Math.abs((r.objective as number) - expected) / Math.max(1, Math.abs(expected))).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe.skipIf(!READY)('fixed MPS files written by glpsol', () => {
  it.each(files)('$name', ({ name, mps }) => {
    const fixed = join(out, `${name}.fixed.mps`);
    execFileSync('glpsol', ['--freemps', mps, '--wmps', fixed], { stdio: 'pipe' });
    const model = readModelFile(fixed, { format: 'fixed' });
    const ref = reference[name];
    if (!ref) throw new Error(`no reference for ${name}`);
    const r = highs.solve(model, { timeLimitSec: 20 });
    expect(r.status).toBe(ref.status);
    if (ref.objective !== undefined) {
      expect(
        Math.abs((r.objective as number) - ref.objective) / Math.max(1, Math.abs(ref.objective)),
      ).toBeLessThanOrEqual(1e-6);
    }
  });
});

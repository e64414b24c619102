/**
 * The readers against an independent writer. Fixed MPS: glpsol's `--wmps` output must read to
 * the same optimum as the original file (constant included: glpsol writes it back the way it
 * reads it). CPLEX LP: glpsol (GLPK's native CLI) writes every
 * reference model as CPLEX LP (`--wlp`); each file must read and solve to the reference
 * optimum. glpsol leaves the objective constant out of LP files, so the expected value is the
 * reference minus the constant the MPS file states.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadEngine } from '../../../solver/engines/index.ts';
import type { Engine } from '../../../solver/engines/types.ts';
import { readModelFile } from '../../../solver/formats/read-model.ts';
import { expectReference, HAVE_REFERENCE, referenceModels } from './helpers.ts';

function hasGlpsol(): boolean {
  try {
    execFileSync('glpsol', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const READY = HAVE_REFERENCE && hasGlpsol();
const { files, expected } = referenceModels(READY);

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
    const ref = expected(name);
    const r = highs.solve(model, { timeLimitSec: 20 });
    expectReference(r, ref, readModelFile(mps).objectiveConstant);
  });
});

describe.skipIf(!READY)('fixed MPS files written by glpsol', () => {
  it.each(files)('$name', ({ name, mps }) => {
    const fixed = join(out, `${name}.fixed.mps`);
    execFileSync('glpsol', ['--freemps', mps, '--wmps', fixed], { stdio: 'pipe' });
    const model = readModelFile(fixed, { format: 'fixed' });
    const ref = expected(name);
    const r = highs.solve(model, { timeLimitSec: 20 });
    expectReference(r, ref);
  });
});

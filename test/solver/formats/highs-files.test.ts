/**
 * The readers against HiGHS's own writers: each reference model is read by HiGHS's MPS reader
 * and written back by HiGHS as free MPS and as CPLEX LP; our readers must read both to the
 * reference optimum. HiGHS writes an objective constant as MINUS the RHS of the objective row
 * (the CPLEX convention), so its MPS is read with `objectiveRhs: 'negated'`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Highs } from 'highs';
import highsModule from 'highs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadEngine } from '../../../solver/engines/index.ts';
import type { Engine } from '../../../solver/engines/types.ts';
import { readModelFile } from '../../../solver/formats/read-model.ts';
import { expectReference, HAVE_REFERENCE, referenceModels } from './helpers.ts';

const READY = HAVE_REFERENCE;
const { files, expected } = referenceModels(READY);

type Loader = () => Promise<Highs>;
const loader = highsModule as unknown as Loader | { default: Loader };
const out = mkdtempSync(join(tmpdir(), 'highs-files-'));
let highs: Highs;
let engine: Engine;
beforeAll(async () => {
  highs = await (typeof loader === 'function' ? loader() : loader.default());
  engine = await loadEngine('glpk');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

function check(name: string, path: string, options: { objectiveRhs?: 'negated' } = {}): void {
  const ref = expected(name);
  const r = engine.solve(readModelFile(path, options), { timeLimitSec: 5 });
  if (r.status === 'time-limit') return; // glpk and p0548: the reference tests cover the engine
  expectReference(r, ref);
}

describe.skipIf(!READY)('files written by HiGHS', () => {
  it.each(files)('$name', ({ name, mps }) => {
    const model = highs.createModel({ format: 'mps', data: readFileSync(mps) });
    try {
      // HiGHS's reader keeps the MPS constant as -RHS; restore the glpsol reading the reference uses.
      model.changeObjectiveOffset(readModelFile(mps).objectiveConstant);
      writeFileSync(join(out, `${name}.mps`), model.exportModel('mps'));
      writeFileSync(join(out, `${name}.lp`), model.exportModel('lp'));
    } finally {
      model.dispose();
    }
    check(name, join(out, `${name}.mps`), { objectiveRhs: 'negated' });
    check(name, join(out, `${name}.lp`));
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autoChoice } from '../../../solver/engines/auto.ts';
import { loadEngine } from '../../../solver/engines/index.ts';
import type { EngineName } from '../../../solver/engines/types.ts';
import { readLp } from '../../../solver/formats/lp-reader.ts';
import { readModelFile } from '../../../solver/formats/read-model.ts';

const P0548 = join(import.meta.dirname, '../../../../shared/models/mip/p0548.mps');

const ENGINES: EngineName[] = ['glpk', 'highs'];

describe.each(ENGINES)('%s engine', (name) => {
  it('solves a MIP and a maximization with an objective constant', async () => {
    const engine = await loadEngine(name);
    const wyndor = readLp(
      'Maximize\n z: 3 doors + 5 windows + 10\nSubject To\n p1: doors <= 4\n p2: 2 windows <= 12\n p3: 3 doors + 2 windows <= 18\nEnd',
    );
    const r = engine.solve(wyndor, { duals: true });
    expect(r.status).toBe('optimal');
    expect(r.objective).toBeCloseTo(46, 9);
    expect(Array.from(r.values ?? [])).toEqual([2, 6]);
    // Dual of p3 is 1 (the marginal profit of one more hour in plant 3).
    expect(Math.abs(r.duals?.[2] ?? 0)).toBeCloseTo(1, 9);
    const mip = readLp('Maximize\n x + y\nSubject To\n c: 2 x + 2 y <= 7\nGeneral\n x y\nEnd');
    const m = engine.solve(mip);
    expect([m.status, m.objective]).toEqual(['optimal', 3]);
  });

  it('tells infeasible from unbounded for LPs and MIPs', async () => {
    const engine = await loadEngine(name);
    const lpInf = readLp('Minimize\n x\nSubject To\n a: x + y >= 3\n b: x + y <= 1\nEnd');
    const lpUnb = readLp('Maximize\n x\nSubject To\n a: x - y <= 1\nEnd');
    const mipInf = readLp('Minimize\n x\nSubject To\n a: 2 x = 1\nGeneral\n x\nEnd');
    const mipUnb = readLp('Maximize\n x\nSubject To\n a: x - y <= 1\nGeneral\n x y\nEnd');
    const crossed = readLp('Minimize\n x\nSubject To\n a: x >= 1\nBounds\n 3 <= x <= 2\nEnd');
    expect(engine.solve(lpInf).status).toBe('infeasible');
    expect(engine.solve(lpUnb).status).toBe('unbounded');
    expect(engine.solve(mipInf).status).toBe('infeasible');
    expect(engine.solve(mipUnb).status).toBe('unbounded');
    expect(engine.solve(crossed).status).toBe('infeasible');
  });

  it('routes its log lines to the solve that asked for them', async () => {
    const engine = await loadEngine(name);
    const lines: string[] = [];
    engine.solve(readLp('Minimize\n x\nSubject To\n a: x >= 1\nEnd'), { msgLevel: 'on', log: (l) => lines.push(l) });
    expect(lines.length).toBeGreaterThan(0);
    const quiet: string[] = [];
    engine.solve(readLp('Minimize\n x\nSubject To\n a: x >= 1\nEnd'), { msgLevel: 'off', log: (l) => quiet.push(l) });
    expect(quiet).toEqual([]);
  });

  it.skipIf(!existsSync(P0548))('reports a solve cut by the time limit as time-limit, never optimal', async () => {
    const engine = await loadEngine(name);
    const model = readModelFile(P0548);
    // glpk needs minutes for p0548, HiGHS ~0.1 s: give each a limit it cannot meet.
    const r = engine.solve(model, { timeLimitSec: name === 'glpk' ? 1 : 0.001 });
    expect(r.status).toBe('time-limit');
    if (r.objective !== null) expect(r.objective).toBeGreaterThanOrEqual(8691);
  });
});

describe('glpk engine after a GLPK abort', () => {
  it('reports the abort as an error and keeps solving on its spare instance', async () => {
    const engine = await loadEngine('glpk');
    // Found by the cross-engine property test: GLPK's MIP presolver fails an assertion.
    const aborts = readLp(
      [
        'Maximize',
        ' 4 v0 + 5 v1 - 4 v2',
        'Subject To',
        ' c0: 4 v0 + 2 v2 >= 0',
        ' c1: -3 v1 >= 0',
        ' c2: -4 v1 - 3 v2 >= 0',
        ' c3: 1 <= -4 v0 + 3 v1 + v2 <= 5',
        'Bounds',
        ' 3 <= v0 <= 4',
        ' -inf <= v1 <= -5',
        'General',
        ' v0',
        'End',
      ].join('\n'),
    );
    const r = engine.solve(aborts);
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/GLPK aborted: Assertion failed/);
    const ok = engine.solve(readLp('Minimize\n x\nSubject To\n a: x >= 1\nEnd'));
    expect([ok.status, ok.objective]).toEqual(['optimal', 1]);
    // auto hands a model glpk failed on to HiGHS.
    const auto = await loadEngine('auto');
    const a = auto.solve(aborts);
    expect(a.engine).toBe('highs');
    expect(a.status).not.toBe('error');
  });
});

describe('auto engine', () => {
  it('picks glpk for small models and highs for large LPs and MIPs with many integers', async () => {
    const small = readLp('Minimize\n x\nSubject To\n a: x >= 1\nEnd');
    expect(autoChoice(small)).toBe('glpk');
    const terms = Array.from({ length: 400 }, (_, j) => `x${j}`).join(' + ');
    const big = readLp(`Minimize\n ${terms}\nSubject To\n a: ${terms} >= 1\nEnd`);
    expect(autoChoice(big)).toBe('highs');
    const ints = Array.from({ length: 100 }, (_, j) => `x${j}`);
    const mip = readLp(
      `Minimize\n ${ints.join(' + ')}\nSubject To\n a: ${ints.join(' + ')} >= 1\nGeneral\n ${ints.join(' ')}\nEnd`,
    );
    expect(autoChoice(mip)).toBe('highs');
    const auto = await loadEngine('auto');
    const r = auto.solve(big);
    expect([r.engine, r.status, r.objective]).toEqual(['highs', 'optimal', 1]);
    expect(auto.solve(small).engine).toBe('glpk');
  });
});

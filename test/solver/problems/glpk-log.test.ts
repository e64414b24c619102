/**
 * GLPK's terminal output goes to the current solve's sink, line by line, and never to the
 * real console. The console spies are installed BEFORE the GLPK instance is created (first
 * loadGlpk() in this file's fresh module graph), so if the forwarder ever fell back to the
 * console during a solve, the spies would see it.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
// Type-only: erased at run time, so it does not load the runtime before the spies exist.
import type { LP } from '../../../solver/engines/glpk-runtime.ts';

const logSpy = vi.spyOn(console, 'log');
const errorSpy = vi.spyOn(console, 'error');
const stdoutSpy = vi.spyOn(process.stdout, 'write');

const { GLP, glpkOptions, loadGlpk, mapGlpkStatus } = await import('../../../solver/engines/glpk-runtime.ts');
const { sweep, planSweep } = await import('../../../solver/problems/sweep.ts');
const { readFileSync } = await import('node:fs');

/** A number as C's printf("%.9e") writes it (GLPK's format): at least two exponent digits. */
function cExp(x: number): string {
  return x.toExponential(9).replace(/e([+-])(\d)$/, 'e$10$2');
}

afterAll(() => {
  vi.restoreAllMocks();
});

function wyndor(P: number): LP {
  return {
    name: 'wyndor',
    objective: {
      direction: GLP.MAX,
      name: 'z',
      vars: [
        { name: 'doors', coef: 300 },
        { name: 'windows', coef: P },
      ],
    },
    subjectTo: [
      { name: 'plant1', vars: [{ name: 'doors', coef: 1 }], bnds: { type: GLP.UP, lb: 0, ub: 4 } },
      { name: 'plant2', vars: [{ name: 'windows', coef: 2 }], bnds: { type: GLP.UP, lb: 0, ub: 12 } },
      {
        name: 'plant3',
        vars: [
          { name: 'doors', coef: 3 },
          { name: 'windows', coef: 2 },
        ],
        bnds: { type: GLP.UP, lb: 0, ub: 18 },
      },
    ],
  };
}

describe('GLPK runtime', () => {
  it('is one instance per process', async () => {
    expect(await loadGlpk()).toBe(await loadGlpk());
  });

  it('sends each solve its own lines at msglev "on", and nothing to the console', async () => {
    const glpk = await loadGlpk();
    const on = glpkOptions({ msglev: 'on' }, false);
    logSpy.mockClear();
    errorSpy.mockClear();
    stdoutSpy.mockClear();
    const a: string[] = [];
    const b: string[] = [];
    const ra = glpk.solve(wyndor(500), on, (l) => a.push(l));
    const rb = glpk.solve(wyndor(100), on, (l) => b.push(l));
    expect(logSpy).not.toHaveBeenCalled();
    expect(errorSpy).not.toHaveBeenCalled();
    expect(stdoutSpy).not.toHaveBeenCalled();
    expect(ra.status).toBe('optimal');
    expect(ra.objective).toBeCloseTo(600 + 6 * 500, 6);
    expect(rb.objective).toBeCloseTo(1200 + 3 * 100, 6);
    // GLPK's simplex log ends with the optimum in its own format: 3.600000000e+03 for P = 500.
    expect(a.length).toBeGreaterThan(0);
    expect(a.at(-1)).toContain(cExp(600 + 6 * 500));
    expect(b.at(-1)).toContain(cExp(1200 + 3 * 100));
    expect(a.join('\n')).not.toContain(cExp(1200 + 3 * 100));
    for (const line of [...a, ...b]) expect(line).not.toContain('\n');
  });

  it('prints nothing at msglev "off"', async () => {
    const glpk = await loadGlpk();
    const lines: string[] = [];
    glpk.solve(wyndor(500), glpkOptions({ msglev: 'off' }, false), (l) => lines.push(l));
    expect(lines).toEqual([]);
  });

  it('routes output through a sweep task to ctx.log, per solve', async () => {
    const doc = JSON.parse(readFileSync(new URL('../../../examples/wyndor-sweep.json', import.meta.url), 'utf8'));
    expect(doc.msglev).toBe('on');
    const spec = await sweep.parse(doc, { source: 'wyndor-sweep.json', baseDir: '.' });
    const plan = planSweep(spec);
    const perTask: string[][] = [];
    let current: string[] = [];
    const ctx = { solver: 0, seed: 1, log: (l: string) => current.push(l) };
    const state = await sweep.setup(spec, ctx);
    logSpy.mockClear();
    for (const i of [0, 400, 900]) {
      current = [];
      (sweep.solve as NonNullable<typeof sweep.solve>)(state, plan.task(i), ctx);
      perTask.push(current);
    }
    expect(logSpy).not.toHaveBeenCalled();
    const zs = [100, 500, 1000].map((P) => cExp(Math.max(1200 + 3 * P, 600 + 6 * P)));
    perTask.forEach((lines, k) => {
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.at(-1)).toContain(zs[k]);
    });
  });

  it('reports infeasible and unbounded LPs as such, never optimal', async () => {
    const glpk = await loadGlpk();
    const opts = glpkOptions({ msglev: 'off' }, false);
    const infeasible = wyndor(500);
    infeasible.subjectTo.push({
      name: 'many',
      vars: [{ name: 'doors', coef: 1 }],
      bnds: { type: GLP.LO, lb: 5, ub: 0 },
    });
    const ri = glpk.solve(infeasible, opts);
    expect(ri.status).toBe('infeasible');
    expect(ri.objective).toBeNull();
    const unbounded = wyndor(500);
    unbounded.subjectTo = unbounded.subjectTo.slice(0, 1);
    const ru = glpk.solve(unbounded, opts);
    expect(ru.status).toBe('unbounded');
    expect(ru.objective).toBeNull();
  });

  it('maps status codes without ever calling a non-optimal status optimal', () => {
    expect(mapGlpkStatus(GLP.OPT)).toBe('optimal');
    expect(mapGlpkStatus(GLP.FEAS)).toBe('feasible');
    expect(mapGlpkStatus(GLP.NOFEAS)).toBe('infeasible');
    expect(mapGlpkStatus(GLP.INFEAS)).toBe('infeasible');
    expect(mapGlpkStatus(GLP.UNBND)).toBe('unbounded');
    expect(mapGlpkStatus(GLP.UNDEF)).toBe('error');
    expect(mapGlpkStatus(GLP.FEAS, true)).toBe('time-limit');
    expect(mapGlpkStatus(GLP.UNDEF, true)).toBe('time-limit');
    for (const code of [GLP.UNDEF, GLP.FEAS, GLP.INFEAS, GLP.NOFEAS, GLP.UNBND]) {
      expect(mapGlpkStatus(code)).not.toBe('optimal');
      expect(mapGlpkStatus(code, true)).not.toBe('optimal');
    }
  });

  it('explains an undefined status (presolve on an infeasible LP) as an error with GLPK context', async () => {
    const glpk = await loadGlpk();
    const infeasible = wyndor(500);
    infeasible.subjectTo.push({
      name: 'many',
      vars: [{ name: 'doors', coef: 1 }],
      bnds: { type: GLP.LO, lb: 5, ub: 0 },
    });
    const r = glpk.solve(infeasible, glpkOptions({ msglev: 'off', presol: true }, false));
    expect(r.status).toBe('error');
    expect(r.objective).toBeNull();
    expect(r.error?.message).toContain('presol');
  });
});

/**
 * A GLPK-level error (here: a repeated term, which glp_load_matrix refuses) aborts the
 * WebAssembly instance. The runtime says so with GLPK's own words, and refuses later solves
 * instead of returning numbers from a broken engine. Its own file: the abort poisons this
 * process's one instance. (The sweep parser refuses repeated terms before they get here.)
 */
import { describe, expect, it, vi } from 'vitest';
import { GLP, glpkOptions, loadGlpk } from '../../../solver/engines/glpk-runtime.ts';

describe('GLPK abort', () => {
  it('throws with GLPK’s message, then refuses every later solve', async () => {
    const glpk = await loadGlpk();
    const bad = {
      name: 'bad',
      objective: { direction: GLP.MAX, name: 'z', vars: [{ name: 'x', coef: 1 }] },
      subjectTo: [
        {
          name: 'r',
          vars: [
            { name: 'x', coef: 1 },
            { name: 'x', coef: 2 },
          ],
          bnds: { type: GLP.UP, lb: 0, ub: 3 },
        },
      ],
    };
    const lines: string[] = [];
    const errorSpy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(() => glpk.solve(bad, glpkOptions({ msglev: 'err' }, false), (l) => lines.push(l))).toThrow(
        /^GLPK aborted: .*duplicate indices not allowed/,
      );
      expect(lines.join('\n')).toContain('duplicate indices not allowed');
      const good = {
        ...bad,
        subjectTo: [{ ...(bad.subjectTo[0] as (typeof bad.subjectTo)[0]), vars: [{ name: 'x', coef: 1 }] }],
      };
      expect(() => glpk.solve(good, glpkOptions({ msglev: 'off' }, false))).toThrow(
        /GLPK aborted in an earlier solve in this process .*restarts/,
      );
    } finally {
      errorSpy.mockRestore();
    }
  });
});

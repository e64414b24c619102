/**
 * An independent oracle for two-variable LPs (max c·x, A x ≤ b, x ≥ 0): enumerate every
 * intersection of two constraint lines, keep the feasible ones, take the best. Used to check
 * GLPK's answers without copying them from solver output.
 */

/** a·x ≤ b over x = (x0, x1). */
export interface Halfplane {
  a: [number, number];
  b: number;
}

/** Best vertices of the polygon: the optimum and every vertex that attains it. */
export function solve2d(c: [number, number], rows: Halfplane[]): { z: number; argmax: [number, number][] } {
  const all: Halfplane[] = [...rows, { a: [-1, 0], b: 0 }, { a: [0, -1], b: 0 }];
  const eps = 1e-9;
  let z = Number.NEGATIVE_INFINITY;
  let argmax: [number, number][] = [];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const p = all[i] as Halfplane;
      const q = all[j] as Halfplane;
      const det = p.a[0] * q.a[1] - p.a[1] * q.a[0];
      if (Math.abs(det) < eps) continue;
      const x: [number, number] = [(p.b * q.a[1] - p.a[1] * q.b) / det, (p.a[0] * q.b - p.b * q.a[0]) / det];
      if (!all.every((h) => h.a[0] * x[0] + h.a[1] * x[1] <= h.b + 1e-7)) continue;
      const v = c[0] * x[0] + c[1] * x[1];
      if (v > z + 1e-7) {
        z = v;
        argmax = [x];
      } else if (Math.abs(v - z) <= 1e-7 && !argmax.some((y) => Math.abs(y[0] - x[0]) + Math.abs(y[1] - x[1]) < 1e-7)) {
        argmax.push(x);
      }
    }
  }
  return { z, argmax };
}

/** Wyndor: max 300·doors + P·windows; doors ≤ 4; 2·windows ≤ 12; 3·doors + 2·windows ≤ cap3. */
export function wyndor(P: number, cap3 = 18, extra: Halfplane[] = []): { z: number; argmax: [number, number][] } {
  return solve2d([300, P], [{ a: [1, 0], b: 4 }, { a: [0, 2], b: 12 }, { a: [3, 2], b: cap3 }, ...extra]);
}

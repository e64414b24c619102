/**
 * Tour improvement for the symmetric TSP: 2-opt and Or-opt over neighbour lists with
 * don't-look bits (a queue of "active" cities), iterated with segment-swap (double-bridge)
 * kicks. The tour is an array with a position index; a 2-opt move reverses the shorter side,
 * an Or-opt move shifts the shorter side, so moves cost O(min(k, n - k)).
 *
 * Every method keeps `len` equal to the tour's true length (tests check this), and `ils`
 * never returns a tour worse than the one it started from.
 */

/** Nearest-neighbour lists: for each city, its `k` closest cities, closest first. */
export function neighbourLists(d: Int32Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n * k);
  const bd = new Float64Array(k);
  const bc = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    let size = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const v = d[i * n + j] as number;
      if (size === k && v >= (bd[k - 1] as number)) continue;
      // Insertion into a small sorted buffer: O(n·k) worst case, far cheaper than sorting n rows.
      let p = size < k ? size++ : k - 1;
      while (p > 0 && (bd[p - 1] as number) > v) {
        bd[p] = bd[p - 1] as number;
        bc[p] = bc[p - 1] as number;
        p--;
      }
      bd[p] = v;
      bc[p] = j;
    }
    out.set(bc.subarray(0, k), i * k);
  }
  return out;
}

/** What one `ils` call did, for the log. */
export interface IlsStats {
  kicks: number;
  improvements: number;
}

/** A reusable local-search workspace for one instance (one per solver process). */
export class TourSearch {
  readonly n: number;
  readonly d: Int32Array;
  readonly nb: Int32Array;
  readonly k: number;
  /** Current tour (city at each position) and its inverse. */
  readonly tour: Int32Array;
  readonly pos: Int32Array;
  len = 0;
  /** Best tour seen by `ils` and its length. */
  readonly best: Int32Array;
  bestLen = 0;
  private readonly queue: Int32Array;
  private qHead = 0;
  private qSize = 0;
  private readonly inQueue: Uint8Array;
  private readonly scratch: Int32Array;
  private readonly maxSegment: number;

  constructor(d: Int32Array, n: number, nb: Int32Array, k: number) {
    this.n = n;
    this.d = d;
    this.nb = nb;
    this.k = k;
    this.tour = new Int32Array(n);
    this.pos = new Int32Array(n);
    this.best = new Int32Array(n);
    this.queue = new Int32Array(n);
    this.inQueue = new Uint8Array(n);
    this.scratch = new Int32Array(n);
    // Segment lengths of a kick: local enough that the repair is cheap, long enough to escape.
    this.maxSegment = Math.max(1, Math.min(50, Math.floor((n - 2) / 2)));
  }

  /** Make `tour` the current tour and mark every city active. */
  load(tour: ArrayLike<number>): void {
    const { n } = this;
    for (let p = 0; p < n; p++) {
      const c = tour[p] as number;
      this.tour[p] = c;
      this.pos[c] = p;
    }
    this.len = this.length();
    this.qHead = 0;
    this.qSize = 0;
    this.inQueue.fill(0);
    for (let p = 0; p < n; p++) this.push(this.tour[p] as number);
  }

  /** Length of the current tour, recomputed from scratch. */
  length(): number {
    const { n, d, tour } = this;
    let s = 0;
    for (let p = 0; p < n; p++) s += d[(tour[p] as number) * n + (tour[p + 1 === n ? 0 : p + 1] as number)] as number;
    return s;
  }

  /** A nearest-neighbour tour from `start`. */
  nearestNeighbour(start: number): Int32Array {
    const { n, d, nb, k } = this;
    const out = new Int32Array(n);
    const used = new Uint8Array(n);
    let c = start;
    out[0] = c;
    used[c] = 1;
    for (let p = 1; p < n; p++) {
      let next = -1;
      for (let q = 0; q < k; q++) {
        const cand = nb[c * k + q] as number;
        if (used[cand] === 0) {
          next = cand;
          break;
        }
      }
      if (next < 0) {
        let bestD = Number.POSITIVE_INFINITY;
        for (let j = 0; j < n; j++) {
          if (used[j] === 0 && (d[c * n + j] as number) < bestD) {
            bestD = d[c * n + j] as number;
            next = j;
          }
        }
      }
      out[p] = next;
      used[next] = 1;
      c = next;
    }
    return out;
  }

  private push(c: number): void {
    if (this.inQueue[c] === 1) return;
    this.inQueue[c] = 1;
    let t = this.qHead + this.qSize;
    if (t >= this.n) t -= this.n;
    this.queue[t] = c;
    this.qSize++;
  }

  private pop(): number {
    const c = this.queue[this.qHead] as number;
    this.qHead = this.qHead + 1 === this.n ? 0 : this.qHead + 1;
    this.qSize--;
    this.inQueue[c] = 0;
    return c;
  }

  private succ(c: number): number {
    const p = (this.pos[c] as number) + 1;
    return this.tour[p === this.n ? 0 : p] as number;
  }

  private pred(c: number): number {
    const p = this.pos[c] as number;
    return this.tour[p === 0 ? this.n - 1 : p - 1] as number;
  }

  /** Reverse the tour between positions i and j (forward, inclusive), or the other side if shorter. */
  private reverse(i: number, j: number): void {
    const { n, tour, pos } = this;
    let len = j - i;
    if (len < 0) len += n;
    len += 1;
    if (2 * len > n) {
      // Reversing the complement gives the same cycle (mirrored) at lower cost.
      const ni = j + 1 === n ? 0 : j + 1;
      j = i === 0 ? n - 1 : i - 1;
      i = ni;
      len = n - len;
    }
    for (let s = len >> 1; s > 0; s--) {
      const a = tour[i] as number;
      const b = tour[j] as number;
      tour[i] = b;
      pos[b] = i;
      tour[j] = a;
      pos[a] = j;
      i = i + 1 === n ? 0 : i + 1;
      j = j === 0 ? n - 1 : j - 1;
    }
  }

  /** Best-gain-first 2-opt move around city a (first improving move is taken). */
  private twoOpt(a: number): boolean {
    const { n, d, nb, k } = this;
    for (let dir = 0; dir < 2; dir++) {
      const b = dir === 0 ? this.succ(a) : this.pred(a);
      const dab = d[a * n + b] as number;
      for (let q = 0; q < k; q++) {
        const c = nb[a * k + q] as number;
        const dac = d[a * n + c] as number;
        if (dac >= dab) break;
        const e = dir === 0 ? this.succ(c) : this.pred(c);
        if (c === b || e === a) continue;
        const delta = dab + (d[c * n + e] as number) - dac - (d[b * n + e] as number);
        if (delta > 0) {
          if (dir === 0) this.reverse(this.pos[b] as number, this.pos[c] as number);
          else this.reverse(this.pos[a] as number, this.pos[e] as number);
          this.len -= delta;
          this.push(a);
          this.push(b);
          this.push(c);
          this.push(e);
          return true;
        }
      }
    }
    return false;
  }

  /** Move a segment of 1–3 cities that starts or ends at city s next to a neighbour, maybe reversed. */
  private orOpt(s: number): boolean {
    const { n, d, nb, k, tour, pos } = this;
    for (let L = 1; L <= 3; L++) {
      if (n - L < 3) break;
      for (let side = 0; side < (L === 1 ? 1 : 2); side++) {
        let i = (pos[s] as number) - (side === 0 ? 0 : L - 1);
        if (i < 0) i += n;
        const s1 = tour[i] as number;
        const s2 = tour[(i + L - 1) % n] as number;
        const p = tour[i === 0 ? n - 1 : i - 1] as number;
        const nx = tour[(i + L) % n] as number;
        const removeGain = (d[p * n + s1] as number) + (d[s2 * n + nx] as number) - (d[p * n + nx] as number);
        if (removeGain <= 0) continue;
        for (let end = 0; end < 2; end++) {
          const e = end === 0 ? s1 : s2;
          for (let q = 0; q < k; q++) {
            const c = nb[e * k + q] as number;
            if ((d[e * n + c] as number) >= removeGain) break;
            let off = (pos[c] as number) - i;
            if (off < 0) off += n;
            if (off < L) continue;
            for (let slot = 0; slot < 2; slot++) {
              const u = slot === 0 ? c : this.pred(c);
              const v = slot === 0 ? this.succ(c) : c;
              // Slots touching the segment are its current place (p, s1) / (s2, nx).
              if (u === s2 || v === s1) continue;
              const duv = d[u * n + v] as number;
              const fwd = (d[u * n + s1] as number) + (d[s2 * n + v] as number) - duv;
              const rev = (d[u * n + s2] as number) + (d[s1 * n + v] as number) - duv;
              const add = Math.min(fwd, rev);
              const delta = removeGain - add;
              if (delta > 0) {
                this.moveSegment(i, L, u, fwd > rev);
                this.len -= delta;
                this.push(p);
                this.push(nx);
                this.push(s1);
                this.push(s2);
                this.push(u);
                this.push(v);
                return true;
              }
            }
          }
        }
      }
    }
    return false;
  }

  /** Move the segment at positions i..i+L-1 to between u and succ(u), reversed or not. */
  private moveSegment(i: number, L: number, u: number, reversed: boolean): void {
    const { n, tour, pos, scratch } = this;
    for (let t = 0; t < L; t++) scratch[reversed ? L - 1 - t : t] = tour[(i + t) % n] as number;
    const last = (i + L - 1) % n;
    let mFwd = (pos[u] as number) - last;
    if (mFwd < 0) mFwd += n;
    const mBwd = n - L - mFwd;
    if (mFwd <= mBwd) {
      // p [seg] nx..u v  →  p nx..u [seg] v
      for (let t = 0; t < mFwd; t++) {
        const c = tour[(i + L + t) % n] as number;
        const to = (i + t) % n;
        tour[to] = c;
        pos[c] = to;
      }
      for (let t = 0; t < L; t++) {
        const to = (i + mFwd + t) % n;
        const c = scratch[t] as number;
        tour[to] = c;
        pos[c] = to;
      }
    } else {
      // u v..p [seg] nx  →  u [seg] v..p nx
      const start = (i - mBwd + n) % n;
      for (let t = mBwd - 1; t >= 0; t--) {
        const c = tour[(start + t) % n] as number;
        const to = (start + t + L) % n;
        tour[to] = c;
        pos[c] = to;
      }
      for (let t = 0; t < L; t++) {
        const to = (start + t) % n;
        const c = scratch[t] as number;
        tour[to] = c;
        pos[c] = to;
      }
    }
  }

  /** Run 2-opt + Or-opt until no active city improves (or the deadline passes). */
  optimize(deadline = Number.POSITIVE_INFINITY): void {
    let count = 0;
    while (this.qSize > 0) {
      const a = this.pop();
      if (!this.twoOpt(a)) this.orOpt(a);
      if ((++count & 255) === 0 && performance.now() > deadline) return;
    }
  }

  /** Swap two adjacent random segments (a double bridge that keeps the change local). */
  kick(rand: () => number): void {
    const { n, d, tour, pos, scratch } = this;
    const m = this.maxSegment;
    const l1 = 1 + Math.floor(rand() * m);
    const l2 = 1 + Math.floor(rand() * m);
    const i = Math.floor(rand() * n);
    const a = tour[i === 0 ? n - 1 : i - 1] as number;
    const b0 = tour[i] as number;
    const b1 = tour[(i + l1 - 1) % n] as number;
    const c0 = tour[(i + l1) % n] as number;
    const c1 = tour[(i + l1 + l2 - 1) % n] as number;
    const z = tour[(i + l1 + l2) % n] as number;
    this.len +=
      (d[a * n + c0] as number) +
      (d[c1 * n + b0] as number) +
      (d[b1 * n + z] as number) -
      (d[a * n + b0] as number) -
      (d[b1 * n + c0] as number) -
      (d[c1 * n + z] as number);
    for (let t = 0; t < l1; t++) scratch[t] = tour[(i + t) % n] as number;
    for (let t = 0; t < l2; t++) {
      const c = tour[(i + l1 + t) % n] as number;
      const to = (i + t) % n;
      tour[to] = c;
      pos[c] = to;
    }
    for (let t = 0; t < l1; t++) {
      const c = scratch[t] as number;
      const to = (i + l2 + t) % n;
      tour[to] = c;
      pos[c] = to;
    }
    this.push(a);
    this.push(b0);
    this.push(b1);
    this.push(c0);
    this.push(c1);
    this.push(z);
  }

  /**
   * Iterated local search from the current tour until `deadline` (performance.now() ms):
   * optimise, then repeatedly kick + optimise, keeping the result when it is no worse.
   * Leaves the best tour in `best` / `bestLen` (and as the current tour).
   */
  ils(deadline: number, rand: () => number): IlsStats {
    const stats: IlsStats = { kicks: 0, improvements: 0 };
    this.optimize(deadline);
    this.best.set(this.tour);
    this.bestLen = this.len;
    // Below 5 cities there is nothing to kick (and every tour of ≤ 3 cities is optimal).
    if (this.n < 5) return stats;
    while (performance.now() < deadline) {
      this.kick(rand);
      this.optimize();
      stats.kicks++;
      if (this.len <= this.bestLen) {
        if (this.len < this.bestLen) stats.improvements++;
        this.best.set(this.tour);
        this.bestLen = this.len;
      } else {
        this.tour.set(this.best);
        for (let p = 0; p < this.n; p++) this.pos[this.tour[p] as number] = p;
        this.len = this.bestLen;
      }
    }
    return stats;
  }
}

/**
 * Task identity: a hash of the task's inputs (job kind + spec + the task's parameters),
 * stable across runs, so a journal can skip exactly the tasks already done on resume.
 *
 * Why not sha1 per task: at ~90k tiny tasks/s the main process has only a few µs per task
 * for everything (DESIGN 'Performance rules'); a crypto hash per task costs ~1–2 µs.
 * So the spec (possibly a large model) is hashed ONCE with sha1, and its digest seeds a
 * 64-bit non-cryptographic hash (two 32-bit multiply-xor lanes, cyrb53-style) over the
 * task's parameters (their bits when they are numbers, else their JSON text), ~0.1 µs.
 * Ids only need to tell tasks apart, not resist an adversary; a 64-bit id makes an
 * accidental collision among 10^6 tasks ~3·10^-8. (Number bits are read in the platform's
 * byte order: every platform we ship on is little-endian.)
 */
import { createHash } from 'node:crypto';

/** sha1 hex of the kind and the JSON of its parsed spec. */
export function specHash(kind: string, spec: unknown): string {
  return createHash('sha1')
    .update(kind)
    .update('\0')
    .update(JSON.stringify(spec) ?? 'null')
    .digest('hex');
}

/** Hex digit of a nibble, as a char code. */
function hexCode(n: number): number {
  return n < 10 ? 48 + n : 87 + n;
}

/**
 * Two 32-bit words as 16 hex digits, built as ONE flat string: concatenating lookups made
 * ~8 cons strings per id, which cost the main process more in GC than the hash itself.
 */
function hex16(a: number, b: number): string {
  return String.fromCharCode(
    hexCode(a >>> 28),
    hexCode((a >>> 24) & 15),
    hexCode((a >>> 20) & 15),
    hexCode((a >>> 16) & 15),
    hexCode((a >>> 12) & 15),
    hexCode((a >>> 8) & 15),
    hexCode((a >>> 4) & 15),
    hexCode(a & 15),
    hexCode(b >>> 28),
    hexCode((b >>> 24) & 15),
    hexCode((b >>> 20) & 15),
    hexCode((b >>> 16) & 15),
    hexCode((b >>> 12) & 15),
    hexCode((b >>> 8) & 15),
    hexCode((b >>> 4) & 15),
    hexCode(b & 15),
  );
}

/** 64 bits of hash of `text`, seeded, as 16 hex digits. */
export function hash64(text: string, seed1: number, seed2: number): string {
  let h1 = 0xdeadbeef ^ seed1;
  let h2 = 0x41c6ce57 ^ seed2;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return hex16(h2 >>> 0, h1 >>> 0);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * The same hash over the IEEE-754 bits of numbers: a sweep task is a few floats, and
 * formatting them as text (JSON.stringify) costs more than the rest of the id. The type
 * tag in the seed keeps `[1]` and `1` apart; -0 counts as 0, as it does in JSON.
 */
export function hashNumbers(values: readonly number[], array: boolean, seed1: number, seed2: number): string {
  let h1 = 0xdeadbeef ^ seed1 ^ (array ? 0x5bd1e995 : 0);
  let h2 = 0x41c6ce57 ^ seed2;
  for (let k = 0; k < values.length; k++) {
    f64[0] = (values[k] as number) + 0;
    for (let w = 0; w < 2; w++) {
      const word = u32[w] as number;
      h1 = Math.imul(h1 ^ word, 2654435761);
      h2 = Math.imul(h2 ^ word, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return hex16(h2 >>> 0, h1 >>> 0);
}

function isNumberArray(task: unknown): task is number[] {
  if (!Array.isArray(task)) return false;
  for (let k = 0; k < task.length; k++) if (typeof task[k] !== 'number') return false;
  return true;
}

/**
 * Returns the id function of one job: `id(taskParams)` → 16 hex digits. Numbers and arrays
 * of numbers are hashed by their bits, anything else by its JSON text.
 */
export function taskIdHasher(kind: string, spec: unknown): (task: unknown) => string {
  const digest = specHash(kind, spec);
  const seed1 = Number.parseInt(digest.slice(0, 8), 16);
  const seed2 = Number.parseInt(digest.slice(8, 16), 16);
  const one = [0];
  return (task) => {
    if (typeof task === 'number') {
      one[0] = task;
      return hashNumbers(one, false, seed1, seed2);
    }
    if (isNumberArray(task)) return hashNumbers(task, true, seed1, seed2);
    return hash64(JSON.stringify(task) ?? 'undefined', seed1, seed2);
  };
}

/**
 * Numbers and infinities as model files write them, shared by the MPS and CPLEX LP readers so
 * both formats agree on what a number and an infinite bound are.
 *
 * - MPS fields are whole tokens: {@link parseNumber} (Fortran `d` exponents and signed
 *   `inf`/`infinity` included).
 * - CPLEX LP numbers are found inside a line, unsigned (a sign is an operator there):
 *   {@link unsignedNumberAt}; an infinite bound is the word {@link isInfinityWord} after an
 *   optional sign.
 * - In both, a bound or right-hand side of magnitude ≥ {@link INFINITE_MAGNITUDE} means
 *   infinity ({@link hugeAsInfinite} and its one-sided forms, for the places that only ever
 *   treated one side so).
 */

/**
 * Magnitude from which a bound or right-hand side is infinite: the MPS convention (glpsol,
 * HiGHS), kept for CPLEX LP too (CPLEX itself uses 1e20).
 */
export const INFINITE_MAGNITUDE = 1e30;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/;
const SIGNED_INFINITY = /^[+-]?inf(inity)?$/;
const INFINITY_WORD = /^inf(inity)?$/i;
/** A CPLEX LP number: no sign, no `d` exponent; sticky so it matches where a scan stands. */
const LP_NUMBER = /(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/y;

/** A number as MPS and LP files write it, or undefined. Accepts inf/infinity with a sign. */
export function parseNumber(token: string): number | undefined {
  if (token === '') return undefined;
  const c = token.charCodeAt(0);
  // Fast path: digits, sign or dot.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (NUMBER.test(token)) {
      return Number(token.replace(/[dD]/, 'e'));
    }
  }
  const lower = token.toLowerCase();
  if (SIGNED_INFINITY.test(lower)) return lower.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return undefined;
}

/** `inf` or `infinity` in any case, without a sign: how CPLEX LP writes an infinite bound. */
export function isInfinityWord(word: string): boolean {
  return INFINITY_WORD.test(word);
}

/**
 * The unsigned CPLEX LP number that starts at `at` in `text` (digits, an optional fraction and
 * exponent; `.5` too, `.x` not), or undefined. Only its text: the caller converts it with
 * `Number`, so `1e999` reads as Infinity and is refused where a finite value is needed.
 */
export function unsignedNumberAt(text: string, at: number): string | undefined {
  LP_NUMBER.lastIndex = at;
  return LP_NUMBER.exec(text)?.[0];
}

/** `value`, or ±Infinity when its magnitude reaches {@link INFINITE_MAGNITUDE}. */
export function hugeAsInfinite(value: number): number {
  if (value >= INFINITE_MAGNITUDE) return Number.POSITIVE_INFINITY;
  if (value <= -INFINITE_MAGNITUDE) return Number.NEGATIVE_INFINITY;
  return value;
}

/** An upper bound: +Infinity from {@link INFINITE_MAGNITUDE} up (a huge negative one stays as it is). */
export function hugeUpperAsInfinite(value: number): number {
  return value >= INFINITE_MAGNITUDE ? Number.POSITIVE_INFINITY : value;
}

/** A lower bound: -Infinity from -{@link INFINITE_MAGNITUDE} down (a huge positive one stays as it is). */
export function hugeLowerAsInfinite(value: number): number {
  return value <= -INFINITE_MAGNITUDE ? Number.NEGATIVE_INFINITY : value;
}

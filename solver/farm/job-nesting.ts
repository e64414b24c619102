/**
 * How deep a job document may nest (DESIGN 'Trust boundaries': every limit explicit and
 * enforced before it is hit). JSON.parse takes arrays inside arrays 100,000 deep, but what
 * comes after — writing job.json, hashing the spec, a kind's parse — recurses and overflows
 * the stack ("Maximum call stack size exceeded", far from the job and after a run folder was
 * made). No job needs more than a few levels; it is refused when it is read, at the first
 * value too deep, before any kind sees it.
 */
import { ValidationError } from '../problems/validate.ts';

/** Arrays and objects inside each other a job document may have (the document itself is level 1). */
export const MAX_JOB_NESTING = 64;

/** One container on the walk, with how it was reached (for the path of a refusal). */
interface Step {
  value: unknown;
  depth: number;
  key: string | number;
  parent: Step | null;
}

/** `$.a[0].b` for a step. */
function pathOf(step: Step): string {
  const keys: (string | number)[] = [];
  for (let s: Step | null = step; s?.parent != null; s = s.parent) keys.push(s.key);
  return keys.reduceRight<string>((p, key) => (typeof key === 'number' ? `${p}[${key}]` : `${p}.${key}`), '$');
}

/**
 * Throws a ValidationError at the first array or object nested deeper than MAX_JOB_NESTING.
 * Walks without recursion (the point is not to overflow), and visits a shared object again
 * only when reached deeper than before, so a document from a structured clone (which may
 * share objects, or hold a cycle) costs at most MAX_JOB_NESTING visits per object.
 */
export function checkJobNesting(doc: unknown, source: string): void {
  const deepest = new Map<object, number>();
  const stack: Step[] = [{ value: doc, depth: 1, key: '', parent: null }];
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    const value = step.value;
    if (value === null || typeof value !== 'object') continue;
    if (step.depth > MAX_JOB_NESTING) {
      throw new ValidationError(
        source,
        pathOf(step),
        `at most ${MAX_JOB_NESTING} levels of arrays and objects inside each other`,
      );
    }
    const seen = deepest.get(value);
    if (seen !== undefined && seen >= step.depth) continue;
    deepest.set(value, step.depth);
    const depth = step.depth + 1;
    if (Array.isArray(value)) {
      // Pushed in reverse so the first element is looked at first (the refusal names it).
      for (let i = value.length - 1; i >= 0; i--) {
        const child: unknown = value[i];
        if (child !== null && typeof child === 'object') stack.push({ value: child, depth, key: i, parent: step });
      }
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        const child = (value as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') stack.push({ value: child, depth, key, parent: step });
      }
    }
  }
}

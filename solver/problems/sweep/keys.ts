/** Refusing unknown fields: a misspelt key ("ouput") would otherwise be ignored silently. */
import type { Reader } from '../validate.ts';
import { ValidationError } from '../validate.ts';

/** Throw a located error for the first key of the object at `r` that is not in `allowed`. */
export function onlyKeys(r: Reader, allowed: readonly string[]): void {
  for (const key of Object.keys(r.object())) {
    if (!allowed.includes(key)) {
      throw new ValidationError(r.source, r.at(key).path, `a known field (${allowed.join(', ')}); "${key}" is not one`);
    }
  }
}

/**
 * Located validation errors for job documents: every message names the file, the JSON
 * path and what was expected, e.g.
 * `my-sweep.json: $.grid[0].step: expected a positive number, got -1`.
 */

/** A job document that is not what its kind expects. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  readonly source: string;
  readonly path: string;
  readonly expected: string;

  /** `got` is described in the message when given (pass `[value]` to describe even `undefined`). */
  constructor(source: string, path: string, expected: string, ...got: [unknown?]) {
    const tail = got.length > 0 ? `, got ${describeValue(got[0])}` : '';
    super(`${source}: ${path}: expected ${expected}${tail}`);
    this.source = source;
    this.path = path;
    this.expected = expected;
  }
}

/** Short description of a JSON value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

/** Walks a JSON document and throws ValidationError with the current path. */
export class Reader {
  readonly source: string;
  readonly value: unknown;
  readonly path: string;

  constructor(source: string, value: unknown, path = '$') {
    this.source = source;
    this.value = value;
    this.path = path;
  }

  fail(expected: string): never {
    throw new ValidationError(this.source, this.path, expected, this.value);
  }

  /** The child at key or index (missing children read as undefined). */
  at(key: string | number): Reader {
    const v = this.value as Record<string | number, unknown> | undefined;
    const child = v !== null && typeof v === 'object' ? v[key] : undefined;
    const path = typeof key === 'number' ? `${this.path}[${key}]` : `${this.path}.${key}`;
    return new Reader(this.source, child, path);
  }

  has(key: string): boolean {
    return this.isObject() && (this.value as Record<string, unknown>)[key] !== undefined;
  }

  isObject(): boolean {
    return this.value !== null && typeof this.value === 'object' && !Array.isArray(this.value);
  }

  object(): Record<string, unknown> {
    if (!this.isObject()) this.fail('an object');
    return this.value as Record<string, unknown>;
  }

  array(): Reader[] {
    if (!Array.isArray(this.value)) this.fail('an array');
    return (this.value as unknown[]).map((_, i) => this.at(i));
  }

  string(): string {
    if (typeof this.value !== 'string' || this.value === '') this.fail('a non-empty string');
    return this.value as string;
  }

  number(): number {
    if (typeof this.value !== 'number' || !Number.isFinite(this.value)) this.fail('a finite number');
    return this.value as number;
  }

  positive(): number {
    const n = this.number();
    if (n <= 0) this.fail('a positive number');
    return n;
  }

  integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const n = this.number();
    if (!Number.isInteger(n) || n < min || n > max) this.fail(`an integer from ${min} to ${max}`);
    return n;
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail('true or false');
    return this.value as boolean;
  }

  oneOf<T extends string>(options: readonly T[]): T {
    if (typeof this.value !== 'string' || !options.includes(this.value as T)) {
      this.fail(`one of ${options.map((o) => JSON.stringify(o)).join(', ')}`);
    }
    return this.value as T;
  }

  optional<T>(read: (r: Reader) => T, fallback: T): T {
    return this.value === undefined ? fallback : read(this);
  }
}

/**
 * Errors in model files (CPLEX LP, MPS): every message names the file, the line and what
 * was expected, e.g. `afiro.mps:12: expected a number in field 4, got "x1"`.
 */

/** A model file that cannot be read. `line` is 1-based; 0 when the problem is the whole file. */
export class FormatError extends Error {
  override name = 'FormatError';
  readonly file: string;
  readonly line: number;
  /** The message without its `file:line: ` prefix (for a caller that names the file its own way). */
  readonly reason: string;

  constructor(file: string, line: number, message: string) {
    super(line > 0 ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.file = file;
    this.line = line;
    this.reason = message;
  }
}

/** Quote a token for an error message, shortened so a garbage line cannot flood the log. */
export function quote(token: string): string {
  return JSON.stringify(token.length > 40 ? `${token.slice(0, 40)}…` : token);
}

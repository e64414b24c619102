/**
 * Errors the CLI shows to a user as one line, without a stack trace, and the exit code
 * each one maps to (0 = all tasks succeeded, 1 = tasks failed or the run stopped,
 * 2 = usage or job error).
 */

/** Exit codes of `solver-farm`. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A mistake in the command line or the job file: printed as one line, exit code 2. */
export class UserError extends Error {
  override name = 'UserError';
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** First line of an error's message (user errors are one line by contract). */
export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split('\n', 1)[0] ?? '';
  return first.trim() === '' ? 'unknown error' : first.trim();
}

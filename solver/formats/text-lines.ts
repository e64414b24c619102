/**
 * How both readers cut a model file into lines, so an error's line number means the same in
 * every format: `\r\n`, `\n` and a lone `\r` (old Mac files) each end a line.
 */

/** The lines of `text`; line k (1-based) of an error message is element k - 1. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

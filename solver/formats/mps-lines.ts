/**
 * How an MPS file's lines are read: which lines are skipped, which open a section, and how a
 * data line splits into fields.
 *
 * Fixed versus free: every data line is first split on whitespace ({@link freeFields}: free
 * MPS, and fixed files whose names have no spaces). A section handler that finds those fields
 * do not fit re-reads the line by the fixed-format columns ({@link fixedFields}: 2-3, 5-12,
 * 15-22, 25-36, 40-47, 50-61), which is how names with spaces are written in fixed MPS.
 */

/** Fixed-format field boundaries (0-based start, exclusive end). */
const FIXED_FIELDS: [number, number][] = [
  [1, 3],
  [4, 12],
  [14, 22],
  [24, 36],
  [39, 47],
  [49, 61],
];

/** True for a line with nothing to read: empty, blank, or a `*` comment. */
export function isSkipped(raw: string): boolean {
  return raw.length === 0 || raw[0] === '*' || raw.trim() === '';
}

/** True when a (non-blank) line opens a section: it starts in column 1; data lines start with a space or tab. */
export function isHeader(line: string): boolean {
  return line[0] !== ' ' && line[0] !== '\t';
}

/** The whitespace-separated fields of a data line. */
export function freeFields(line: string): string[] {
  return line.trim().split(/\s+/);
}

/** The six fixed-format fields of a data line, trimmed ('' where the line is short). */
export function fixedFields(line: string): string[] {
  return FIXED_FIELDS.map(([a, b]) => line.slice(a, b).trim());
}

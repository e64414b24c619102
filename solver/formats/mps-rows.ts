/**
 * The MPS ROWS section: `type name` per line. The first N row (or the one OBJNAME names) is
 * the objective; other N rows are free rows, whose entries are ignored.
 */
import { quote } from './format-error.ts';
import { fixedFields } from './mps-lines.ts';
import type { MpsState } from './mps-state.ts';

/** One ROWS line, split on whitespace into `fields` (re-read by fixed columns unless there are two). */
export function readRowLine(s: MpsState, fields: string[], line: string): void {
  const [typeToken, name] = fields.length !== 2 && s.fixedFallback ? fixedFields(line) : fields;
  if (typeToken === undefined || name === undefined || name === '') {
    s.fail('expected a row type (N, L, G, E) and a row name');
  }
  const type = typeToken.toUpperCase();
  if (type !== 'N' && type !== 'L' && type !== 'G' && type !== 'E') {
    s.fail(`expected a row type N, L, G or E, got ${quote(typeToken)}`);
  }
  if (type === 'N') {
    readFreeRow(s, name);
    return;
  }
  if (name === s.objective || s.freeRows.has(name)) s.fail(`row ${quote(name)} is defined twice`);
  const i = s.builder.addRow(name, 0, 0);
  if (i === undefined) s.fail(`row ${quote(name)} is defined twice`);
  s.rowTypes[i] = type;
}

/** An N row: the objective if it is the first one (or the one OBJNAME wants), else a free row. */
function readFreeRow(s: MpsState, name: string): void {
  const wanted = s.objectiveWanted;
  if (s.objective === undefined && (wanted === undefined || wanted === name)) {
    s.objective = name;
    s.model.objectiveName = name;
    return;
  }
  if (s.freeRows.has(name) || name === s.objective) s.fail(`row ${quote(name)} is defined twice`);
  s.freeRows.add(name);
}

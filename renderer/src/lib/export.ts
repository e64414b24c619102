import type { ResultColumn, ResultTable } from '../state/result-table.ts';

/** Header text of a column in exports (machine-friendly, stable). */
export function exportHeader(c: ResultColumn): string {
  switch (c.kind) {
    case 'index':
      return 'index';
    case 'label':
      return 'label';
    case 'status':
      return 'status';
    case 'objective':
      return 'objective';
    case 'solver':
      return 'solver';
    case 'engine':
      return 'engine';
    case 'time':
      return 'time_ms';
    case 'param':
      return c.name;
    case 'value':
      return `value:${c.name}`;
  }
}

function csvField(v: number | string | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replaceAll('"', '""')}"` : v;
}

/** RFC 4180 CSV of every result, in the given row order, with an `error` column last. */
export function toCsv(table: ResultTable, order: ArrayLike<number>): string {
  const cols = table.columns();
  const lines: string[] = [[...cols.map(exportHeader), 'error'].map(csvField).join(',')];
  for (let i = 0; i < order.length; i++) {
    const row = order[i] ?? 0;
    const cells = cols.map((c) => csvField(table.cell(c, row)));
    cells.push(csvField(table.errors.get(row)));
    lines.push(cells.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** JSON array of TaskResult objects, in the given row order. */
export function toJson(table: ResultTable, order: ArrayLike<number>): string {
  const out = new Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = table.result(order[i] ?? 0);
  return `${JSON.stringify(out, null, 1)}\n`;
}

/** Offers text as a download (Blob + a link with a download attribute). */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file-name-safe stem from a run name. */
export function fileStem(name: string | undefined): string {
  const stem = (name ?? 'results')
    .replace(/\.json$/i, '')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return stem.slice(0, 60) || 'results';
}

import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { download, exportHeader, fileStem, toCsv, toJson } from '../lib/export.ts';
import { int, num } from '../lib/format.ts';
import { useThrottled } from '../lib/hooks.ts';
import { columnKey, type ResultColumn, type ResultTable } from '../state/result-table.ts';
import { useFarm } from '../state/store.ts';

const ROW = 26;

function title(c: ResultColumn): string {
  switch (c.kind) {
    case 'index':
      return '#';
    case 'label':
      return 'Task';
    case 'status':
      return 'Status';
    case 'objective':
      return 'Objective';
    case 'solver':
      return 'Core';
    case 'engine':
      return 'Engine';
    case 'time':
      return 'Time (ms)';
    case 'param':
      return c.name;
    case 'value':
      return c.name;
  }
}

/** Minimum width in px and share of the spare width of a column. */
function columnWidth(c: ResultColumn): [number, number] {
  switch (c.kind) {
    case 'index':
    case 'solver':
      return [52, 0.5];
    case 'label':
      return [90, 1.4];
    case 'objective':
      return [96, 1.2];
    default:
      return [76, 1];
  }
}

function numeric(c: ResultColumn): boolean {
  return c.kind !== 'label' && c.kind !== 'status' && c.kind !== 'engine';
}

function show(table: ResultTable, c: ResultColumn, row: number): string {
  const v = table.cell(c, row);
  if (v === undefined) return c.kind === 'objective' ? '–' : '';
  // Cores are numbered from 1 on screen, as the CLI's `[core N]` tags (N = slot + 1).
  if (c.kind === 'solver' && typeof v === 'number') return String(v + 1);
  if (typeof v === 'number') return c.kind === 'time' ? v.toFixed(v < 10 ? 2 : 0) : num(v);
  return v;
}

/** Sorted row order; the default (plan order) is a linear bucket pass, not a sort. */
function orderRows(table: ResultTable, sort: { col: ResultColumn; desc: boolean } | null): Int32Array {
  if (sort) return table.order(sort.col, sort.desc);
  const n = table.length;
  let max = -1;
  for (let i = 0; i < n; i++) max = Math.max(max, table.index[i] ?? 0);
  if (max > n * 4) return table.order({ kind: 'index' }, false);
  const slots = new Int32Array(max + 1).fill(-1);
  for (let i = 0; i < n; i++) slots[table.index[i] ?? 0] = i;
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i <= max && k < n; i++) {
    const r = slots[i] ?? -1;
    if (r >= 0) out[k++] = r;
  }
  // Duplicate plan indices (should not happen) fall back to a real sort.
  return k === n ? out : table.order({ kind: 'index' }, false);
}

/** Every result of the live run: virtualized, sortable by any column, exportable. */
export function ResultsTable() {
  const table = useFarm((s) => s.results);
  const version = useFarm((s) => s.resultsVersion);
  const name = useFarm((s) => s.run?.name);
  const dir = useFarm((s) => s.run?.dir);
  return <ResultsTableView table={table} version={version} name={name} dir={dir} />;
}

/** What {@link ResultsTableView} shows: any result table (the live run's, or a past run's). */
export interface ResultsTableViewProps {
  table: ResultTable;
  /** Bumped whenever rows were appended to `table`. */
  version: number;
  /** Run name, for export file names. */
  name: string | undefined;
  /** Run folder, named when not every result fits. */
  dir: string | undefined;
  /** data-testid of the section (default `results`). */
  testId?: string;
  /** Shown when there are no rows. */
  emptyText?: string;
}

/** A result table: virtualized, sortable by any column, exportable. */
export function ResultsTableView({
  table,
  version,
  name,
  dir,
  testId = 'results',
  emptyText = 'Results appear here as tasks finish.',
}: ResultsTableViewProps) {
  const [sort, setSort] = useState<{ col: ResultColumn; desc: boolean } | null>(null);
  // Re-sorting 100k rows on every 16 ms batch would eat the frame budget.
  const shownVersion = useThrottled(version, sort || table.length > 20_000 ? 1000 : 200);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shownVersion` marks appends to the table.
  const order = useMemo(() => orderRows(table, sort), [table, sort, shownVersion]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: columns appear as results arrive.
  const columns = useMemo(() => table.columns(), [table, shownVersion]);
  const scrollRef = useRef<HTMLElement>(null);
  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 10,
  });

  const toggle = (c: ResultColumn) => {
    setSort((cur) => {
      if (!cur || columnKey(cur.col) !== columnKey(c)) return { col: c, desc: false };
      if (!cur.desc) return { col: c, desc: true };
      return null;
    });
  };

  const stem = fileStem(name);
  const widths = columns.map(columnWidth);
  const template = widths.map(([min, fr]) => `minmax(${min}px, ${fr}fr)`).join(' ');
  const minWidth = widths.reduce((sum, [min]) => sum + min, 0);

  return (
    <section className="card results" aria-label="Results" data-testid={testId}>
      <div className="section-head">
        <h2>Results</h2>
        <span className="muted small" data-testid="results-count" data-count={table.length}>
          {int(table.length)} row{table.length === 1 ? '' : 's'}
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="small-button"
          data-testid="export-csv"
          disabled={table.length === 0}
          onClick={() => download(`${stem}.csv`, toCsv(table, orderRows(table, sort)), 'text/csv')}
        >
          Export CSV
        </button>
        <button
          type="button"
          className="small-button"
          data-testid="export-json"
          disabled={table.length === 0}
          onClick={() => download(`${stem}.json`, toJson(table, orderRows(table, sort)), 'application/json')}
        >
          Export JSON
        </button>
      </div>
      <section
        className="table-scroll"
        ref={scrollRef}
        data-testid="results-table"
        aria-label="Results rows"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the scrolling region must be reachable by keyboard.
        tabIndex={0}
      >
        <table aria-label="Results" aria-rowcount={order.length + 1} className="grid-table" style={{ minWidth }}>
          <thead className="thead">
            <tr className="tr" style={{ gridTemplateColumns: template }} aria-rowindex={1}>
              {columns.map((c) => {
                const key = columnKey(c);
                const active = sort !== null && columnKey(sort.col) === key;
                const dir = active ? (sort?.desc ? 'descending' : 'ascending') : 'none';
                return (
                  <th scope="col" aria-sort={dir} key={key} className={numeric(c) ? 'num' : ''}>
                    <button
                      type="button"
                      className="th-button"
                      onClick={() => toggle(c)}
                      title={`Sort by ${exportHeader(c)}`}
                    >
                      {title(c)}
                      <span className="sort-mark" aria-hidden="true">
                        {active ? (sort?.desc ? '▼' : '▲') : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="tbody" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = order[item.index] ?? 0;
              const status = table.status[row];
              return (
                <tr
                  aria-rowindex={item.index + 2}
                  key={item.key}
                  className={`tr body-row status-${status}`}
                  data-testid="result-row"
                  // `top`, not a transform: see ROW in log-pane.tsx.
                  style={{ gridTemplateColumns: template, top: item.start }}
                  title={table.errors.get(row)}
                >
                  {columns.map((c) => (
                    <td key={columnKey(c)} className={numeric(c) ? 'num' : ''}>
                      {show(table, c, row)}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
        {table.length === 0 && <p className="muted pad">{emptyText}</p>}
        {table.overflow > 0 && (
          <p className="muted pad">
            Showing the first {int(table.capacity)} results; {int(table.overflow)} more are in the run's results file
            {dir ? ` (${dir})` : ''}.
          </p>
        )}
      </section>
    </section>
  );
}

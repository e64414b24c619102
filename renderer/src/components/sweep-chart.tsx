import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useThrottled } from '../lib/hooks.ts';
import { ChartSeriesBuilder } from '../state/chart-series.ts';
import type { ResultTable } from '../state/result-table.ts';
import { useFarm } from '../state/store.ts';

const PALETTE = ['#2f7ed8', '#e4572e', '#17a673', '#a05fd1', '#e8a33d', '#1aa3b8', '#d6457a', '#7a8b99'];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function useColorScheme(): string {
  const [scheme, setScheme] = useState(() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  useEffect(() => {
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const on = () => setScheme(mq.matches ? 'dark' : 'light');
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return scheme;
}

/** Objective against the first swept parameter (RunInfo.params[0]), updated a few times a second. */
export function SweepChart() {
  const params = useFarm((s) => s.run?.params);
  const table = useFarm((s) => s.results);
  const version = useFarm((s) => s.resultsVersion);
  return <SweepChartView table={table} version={version} params={params} />;
}

/** What {@link SweepChartView} draws: any result table (the live run's, or a past run's). */
export interface SweepChartViewProps {
  table: ResultTable;
  /** Bumped whenever rows were appended to `table`. */
  version: number;
  /** Swept parameter names; the first is the x axis. */
  params: string[] | undefined;
  /** data-testid of the plot box (default `sweep-chart`). */
  testId?: string;
}

/** The objective of a result table against its first swept parameter. */
export function SweepChartView({ table, version: rawVersion, params, testId = 'sweep-chart' }: SweepChartViewProps) {
  // A few redraws a second; fewer once the sweep is large (each redraw walks every row).
  const version = useThrottled(rawVersion, table.length > 20_000 ? 1000 : 300);
  const scheme = useColorScheme();
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const shapeRef = useRef('');
  const seriesRef = useRef<ChartSeriesBuilder | null>(null);
  const [hidden, setHidden] = useState(0);
  const xName = params?.[0] ?? table.paramNames[0];

  useEffect(() => {
    return () => {
      plotRef.current?.destroy();
      plotRef.current = null;
    };
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` marks appends to the table.
  useEffect(() => {
    const box = boxRef.current;
    if (!box || !xName || table.length === 0) {
      plotRef.current?.destroy();
      plotRef.current = null;
      shapeRef.current = '';
      return;
    }
    seriesRef.current ??= new ChartSeriesBuilder();
    const series = seriesRef.current.update(table, xName);
    const data: uPlot.AlignedData = [series.x, ...series.ys];
    const labels = series.keys.map((k) => k || 'objective');
    setHidden(series.hidden);
    const shape = `${scheme}|${xName}|${labels.join(';')}`;
    if (plotRef.current && shapeRef.current === shape) {
      plotRef.current.setData(data);
      return;
    }
    plotRef.current?.destroy();
    shapeRef.current = shape;
    const fg = cssVar('--fg-muted');
    const grid = cssVar('--border');
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    plotRef.current = new uPlot(
      {
        width: Math.max(200, box.clientWidth),
        height: 220,
        scales: { x: { time: false } },
        legend: { show: labels.length > 1 },
        axes: [
          { ...axis, label: xName },
          { ...axis, label: 'objective', size: 70 },
        ],
        series: [
          { label: xName },
          ...labels.map((label, i) => ({
            label,
            stroke: PALETTE[i % PALETTE.length] ?? '#2f7ed8',
            width: 1.5,
            spanGaps: true,
            // No `show`: uPlot's default draws points only while they are sparse enough to
            // see, and skips them (a large cost) for dense sweeps.
            points: { size: 4 },
          })),
        ],
      },
      data,
      box,
    );
  }, [table, version, xName, scheme]);

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const ro = new ResizeObserver(() => {
      plotRef.current?.setSize({ width: Math.max(200, box.clientWidth), height: 220 });
    });
    ro.observe(box);
    return () => ro.disconnect();
  }, []);

  return (
    <section className="card chart" aria-label={`Objective against ${xName ?? 'the swept parameter'}`}>
      <div className="section-head">
        <h2>Objective against {xName ?? 'the swept parameter'}</h2>
        {hidden > 0 && <span className="muted small">{hidden} points in further series not drawn</span>}
      </div>
      <div ref={boxRef} className="chart-box" data-testid={testId} />
      {table.length === 0 && <p className="muted pad">The chart fills as results arrive.</p>}
    </section>
  );
}

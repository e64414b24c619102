import { useEffect, useRef, useState } from 'react';
import { download, fileStem, toCsv, toJson } from '../lib/export.ts';
import { duration, int, num } from '../lib/format.ts';
import { closePastRun, loadAllResults, loadMoreResults, useHistory } from '../state/history.ts';
import { ResultsTableView } from './results-table.tsx';
import { countsText, ResumeButtons, startedText } from './run-parts.tsx';
import { SweepChartView } from './sweep-chart.tsx';
import { TourPanel } from './tour-view.tsx';

function planOrder(length: number): Int32Array {
  // Rows arrive from openRun already in plan order.
  return Int32Array.from({ length }, (_, i) => i);
}

/** Exports every result of the opened run (loading the remaining pages first). */
function ExportButtons() {
  const opened = useHistory((s) => s.opened);
  const busy = useHistory((s) => s.busy);
  const [exporting, setExporting] = useState(false);
  if (!opened) return null;
  const save = async (format: 'csv' | 'json') => {
    setExporting(true);
    try {
      await loadAllResults();
      const current = useHistory.getState().opened;
      if (!current) return;
      const order = planOrder(current.table.length);
      const stem = `${fileStem(current.detail.run.name)}-${current.detail.run.runId}`;
      if (format === 'csv') download(`${stem}.csv`, toCsv(current.table, order), 'text/csv');
      else download(`${stem}.json`, toJson(current.table, order), 'application/json');
    } finally {
      setExporting(false);
    }
  };
  const none = opened.detail.resultCount === 0;
  return (
    <>
      <button
        type="button"
        className="small-button"
        data-testid="past-export-csv"
        disabled={none || exporting || busy !== null}
        onClick={() => void save('csv')}
      >
        Export CSV
      </button>
      <button
        type="button"
        className="small-button"
        data-testid="past-export-json"
        disabled={none || exporting || busy !== null}
        onClick={() => void save('json')}
      >
        Export JSON
      </button>
    </>
  );
}

function Logs() {
  const logs = useHistory((s) => s.opened?.detail.logs ?? []);
  if (logs.length === 0) return <p className="muted pad">This run left no solver logs.</p>;
  return (
    <div className="past-logs">
      {logs.map((log) => (
        <details key={log.solver} className="past-log" data-testid="past-log">
          <summary>
            Core {log.solver + 1}: last {int(log.lines.length)} line{log.lines.length === 1 ? '' : 's'}
          </summary>
          <section
            className="past-log-text"
            aria-label={`Log of core ${log.solver + 1}`}
            // biome-ignore lint/a11y/noNoninteractiveTabindex: the log must scroll by keyboard.
            tabIndex={0}
          >
            <pre>{log.lines.join('\n')}</pre>
          </section>
        </details>
      ))}
    </div>
  );
}

function Steps() {
  const steps = useHistory((s) => s.opened?.detail.steps ?? []);
  if (steps.length === 0) return null;
  return (
    <section className="card" aria-label="Steps">
      <h2>Steps</h2>
      <ol className="past-steps">
        {steps.map((s) => (
          <li key={s.step}>
            Step {s.step} of {s.steps}: best {num(s.best)} (core {s.winner + 1})
          </li>
        ))}
      </ol>
    </section>
  );
}

/** One past run: its summary, results (paged), log tails, export and resume. */
export function PastRunView() {
  const opened = useHistory((s) => s.opened);
  const busy = useHistory((s) => s.busy);
  const runError = useHistory((s) => s.runError);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const runId = opened?.detail.run.runId;
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus the heading when another run opens.
  useEffect(() => headingRef.current?.focus(), [runId]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closePastRun();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  if (!opened) return null;
  const { detail, table, version, loaded } = opened;
  const run = detail.run;
  return (
    <main className="main history" data-testid="past-run-view" data-run-id={run.runId} aria-label={`Run ${run.name}`}>
      <div className="col-left">
        <section className="card">
          <div className="section-head">
            <h2 ref={headingRef} tabIndex={-1}>
              {run.name}
            </h2>
            <span className="spacer" />
            <button type="button" className="small-button" data-testid="back-to-runs" onClick={closePastRun}>
              Back to runs
            </button>
          </div>
          <dl className="past-summary">
            <dt>Status</dt>
            <dd data-testid="past-run-status">{run.status}</dd>
            <dt>Tasks</dt>
            <dd data-testid="past-run-summary-counts">{countsText(run)}</dd>
            <dt>Started</dt>
            <dd>{startedText(run.startedAt)}</dd>
            <dt>Duration</dt>
            <dd>{duration(run.durationMs)}</dd>
            <dt>Kind</dt>
            <dd>{run.kind}</dd>
            <dt>Folder</dt>
            <dd className="mono small">{run.dir}</dd>
            {run.reason && (
              <>
                <dt>Why it ended</dt>
                <dd>{run.reason}</dd>
              </>
            )}
          </dl>
          <div className="row past-actions">
            <ResumeButtons run={run} />
            <ExportButtons />
          </div>
          {runError && (
            <p className="banner error-banner" role="alert" data-testid="history-error">
              {runError}
            </p>
          )}
        </section>
        {detail.view.kind !== 'tour' && <Steps />}
        <section className="card" aria-label="Solver logs">
          <h2>Solver logs</h2>
          <Logs />
        </section>
      </div>
      <div className="col-right">
        {detail.view.kind === 'tour' && (
          <TourPanel
            view={detail.view}
            tour={detail.steps.findLast((s) => s.tour !== undefined)?.tour ?? null}
            steps={detail.steps}
            testId="past-tour-canvas"
          />
        )}
        {(detail.params?.length ?? 0) > 0 && table.length > 0 && (
          <SweepChartView table={table} version={version} params={detail.params} testId="past-sweep-chart" />
        )}
        <ResultsTableView
          table={table}
          version={version}
          name={run.name}
          dir={run.dir}
          testId="past-results"
          emptyText="This run has no results."
        />
        {loaded < detail.resultCount && (
          <p className="muted small pad">
            Showing {int(loaded)} of {int(detail.resultCount)} results.{' '}
            <button
              type="button"
              className="small-button"
              data-testid="load-more"
              disabled={busy !== null}
              onClick={() => void loadMoreResults()}
            >
              Load {int(Math.min(5000, detail.resultCount - loaded))} more
            </button>
          </p>
        )}
      </div>
    </main>
  );
}

import { useEffect, useRef } from 'react';
import type { PastRun, PastRunStatus } from '../../../solver/api.ts';
import { duration, int } from '../lib/format.ts';
import { openPastRun, refreshRuns, showLive, useHistory } from '../state/history.ts';
import { type Column, ColumnHeads } from './column-heads.tsx';
import { PastRunView } from './past-run-view.tsx';
import { countsText, ResumeButtons, startedText } from './run-parts.tsx';
import './run-history.css';

const STATUS_TEXT: Record<PastRunStatus, string> = {
  running: 'Running',
  done: 'Done',
  stopped: 'Stopped',
  failed: 'Failed',
  interrupted: 'Interrupted',
};

const RUN_COLUMNS: readonly Column[] = [
  { label: 'Status' },
  { label: 'Name' },
  { label: 'Kind' },
  { label: 'Done / total', num: true },
  { label: 'Started', num: true },
  { label: 'Duration', num: true },
  { label: 'Actions', hidden: true },
];

function RunRow({ run }: { run: PastRun }) {
  const busy = useHistory((s) => s.busy);
  return (
    <tr data-testid="past-run" data-run-id={run.runId} data-status={run.status} data-resumable={run.resumable}>
      <td>
        <span className={`run-status run-status-${run.status}`}>{STATUS_TEXT[run.status]}</span>
      </td>
      <td className="run-name" title={run.reason ?? run.source}>
        {run.name}
        {run.reason && <span className="muted small block">{run.reason}</span>}
      </td>
      <td>{run.kind}</td>
      <td
        className="num"
        data-testid="past-run-counts"
        data-done={run.done}
        data-failed={run.failed}
        data-total={run.total ?? ''}
      >
        {countsText(run)}
      </td>
      <td className="num">{startedText(run.startedAt)}</td>
      <td className="num">{duration(run.durationMs)}</td>
      <td className="run-actions">
        <button
          type="button"
          className="small-button"
          data-testid="open-run"
          disabled={busy !== null}
          aria-label={`Open run ${run.name}, started ${startedText(run.startedAt)}`}
          onClick={() => void openPastRun(run.runId)}
        >
          {busy === run.runId ? 'Opening…' : 'Open'}
        </button>
        <ResumeButtons run={run} />
      </td>
    </tr>
  );
}

/** The Runs screen: past runs, newest first; open one to see its results and logs. */
export function RunHistory() {
  const runs = useHistory((s) => s.runs);
  const loading = useHistory((s) => s.loading);
  const listError = useHistory((s) => s.listError);
  const runError = useHistory((s) => s.runError);
  const opened = useHistory((s) => s.opened);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Move focus to the screen's heading so keyboard and screen-reader users land in it.
  useEffect(() => {
    if (!opened) headingRef.current?.focus();
  }, [opened]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !useHistory.getState().opened) showLive();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (opened) return <PastRunView />;
  return (
    <main className="main history" data-testid="run-history" aria-label="Past runs">
      <section className="card history-card">
        <div className="section-head">
          <h2 ref={headingRef} tabIndex={-1}>
            Past runs
          </h2>
          <span className="muted small" data-testid="past-run-count">
            {loading ? 'Loading…' : `${int(runs.length)} run${runs.length === 1 ? '' : 's'}`}
          </span>
          <span className="spacer" />
          <button type="button" className="small-button" onClick={() => void refreshRuns()} disabled={loading}>
            Refresh
          </button>
          <button type="button" className="small-button" data-testid="back-to-live" onClick={showLive}>
            Back to live view
          </button>
        </div>
        {listError && (
          <p className="banner error-banner" role="alert" data-testid="history-error">
            {listError}
          </p>
        )}
        {runError && (
          <p className="banner error-banner" role="alert" data-testid="history-error">
            {runError}
          </p>
        )}
        {runs.length === 0 && !loading && !listError ? (
          <p className="muted pad">
            No past runs yet. Every run started here is recorded with its results and logs, and shows up in this list.
          </p>
        ) : (
          <div className="history-scroll">
            <table className="history-table" aria-label="Past runs, newest first">
              <ColumnHeads columns={RUN_COLUMNS} />
              <tbody>
                {runs.map((run) => (
                  <RunRow key={run.runId} run={run} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}

import { useEffect } from 'react';
import { bindHistory, useHistory } from '../state/history.ts';
import { bindShell } from '../state/shell.ts';
import { useFarm } from '../state/store.ts';
import { CoreGrid } from './core-card.tsx';
import { LogPane } from './log-pane.tsx';
import { ModelPanel } from './model-panel.tsx';
import { ProgressPanel } from './progress-panel.tsx';
import { ResultsTable } from './results-table.tsx';
import { RunHistory } from './run-history.tsx';
import { StatusDialog } from './status-dialog.tsx';
import { SweepChart } from './sweep-chart.tsx';
import { Toolbar, ToolbarMessages } from './toolbar.tsx';
import { TourView } from './tour-view.tsx';

function CombinedLog() {
  return (
    <section className="card combined" aria-label="Combined log">
      <div className="section-head">
        <h2>Combined log</h2>
      </div>
      <LogPane source={null} title="Combined log" testId="log-combined" />
    </section>
  );
}

function RecentErrors() {
  const errors = useFarm((s) => s.errors);
  const general = errors.filter((e) => e.solver === undefined);
  if (general.length === 0) return null;
  return (
    <section className="card error-list" aria-label="Errors">
      <h2>Errors</h2>
      <ul>
        {general.slice(-5).map((e) => (
          <li key={`${e.at}-${e.message}`} className="bad-text">
            {e.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The control panel. */
export function App() {
  const kind = useFarm((s) => s.run?.kind);
  const hasTour = useFarm((s) => s.run?.view.kind === 'tour');
  const hasParams = useFarm((s) => (s.run?.params?.length ?? 0) > 0);
  // The desktop shell's opened files and Run menu (absent in browser mode).
  useEffect(() => bindShell(), []);
  // Run history: list refresh when a run ends, missed results fetched back after a reconnect.
  useEffect(() => bindHistory(), []);
  const showRuns = useHistory((s) => s.open);
  return (
    <div className="app">
      <Toolbar />
      <ToolbarMessages />
      {showRuns && <RunHistory />}
      <main className="main" hidden={showRuns}>
        <div className="col-left">
          <ModelPanel />
          <ProgressPanel />
          <RecentErrors />
          <CoreGrid />
          <CombinedLog />
        </div>
        <div className="col-right">
          {hasTour && <TourView />}
          {hasParams && <SweepChart />}
          {(kind === undefined || !hasTour) && <ResultsTable />}
        </div>
      </main>
      <StatusDialog />
    </div>
  );
}

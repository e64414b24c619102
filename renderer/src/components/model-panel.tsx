import { useId, useRef } from 'react';
import type { ModelSummary } from '../../../solver/api.ts';
import { int } from '../lib/format.ts';
import { MODEL_FILE_ACCEPT } from '../state/model-files.ts';
import { ENGINES, type EngineName, SWEEP_CAP } from '../state/model-job.ts';
import { openModels, resetModels, setSettings, startModelJob, useModels } from '../state/model-store.ts';
import { runIsActive, useFarm } from '../state/store.ts';
import { SweepBuilder } from './sweep-builder.tsx';
import './model-panel.css';

const FORMAT_LABEL: Record<ModelSummary['format'], string> = {
  lp: 'CPLEX LP',
  mps: 'MPS',
  'glpk-json': 'glpk.js JSON',
};

function SummaryView({ summary }: { summary: ModelSummary }) {
  return (
    <dl className="model-summary" data-testid="model-summary">
      <div>
        <dt>Format</dt>
        <dd>{FORMAT_LABEL[summary.format]}</dd>
      </div>
      <div>
        <dt>Sense</dt>
        <dd data-testid="summary-sense">{summary.sense === 'max' ? 'maximize' : 'minimize'}</dd>
      </div>
      <div>
        <dt>Variables</dt>
        <dd data-testid="summary-variables">{int(summary.variables.length)}</dd>
      </div>
      <div>
        <dt>Integer</dt>
        <dd data-testid="summary-integers">{int(summary.integers)}</dd>
      </div>
      <div>
        <dt>Constraints</dt>
        <dd data-testid="summary-constraints">{int(summary.constraints.length)}</dd>
      </div>
      <div>
        <dt>Nonzeros</dt>
        <dd data-testid="summary-nonzeros">{int(summary.nonzeros)}</dd>
      </div>
    </dl>
  );
}

function BatchList() {
  const models = useModels((s) => s.models);
  return (
    <div className="batch-list" data-testid="batch-list">
      <h3>Batch: one task per model</h3>
      <ul>
        {models.slice(0, 50).map((m) => (
          <li key={m.name}>{m.name}</li>
        ))}
        {models.length > 50 && <li className="muted">…and {int(models.length - 50)} more</li>}
      </ul>
    </div>
  );
}

function Settings() {
  const engine = useModels((s) => s.engine);
  const timeLimit = useModels((s) => s.timeLimit);
  const engineId = useId();
  const limitId = useId();
  return (
    <div className="row model-settings">
      <div className="field">
        <label htmlFor={engineId}>Engine</label>
        <select
          id={engineId}
          value={engine}
          data-testid="model-engine"
          onChange={(e) => setSettings({ engine: e.target.value as EngineName })}
        >
          {ENGINES.map((e) => (
            <option key={e} value={e}>
              {e === 'auto' ? 'auto (by model size)' : e === 'glpk' ? 'glpk (glpk.js)' : 'highs (HiGHS)'}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={limitId}>Time limit per task (s)</label>
        <input
          id={limitId}
          type="text"
          inputMode="decimal"
          className="axis-number"
          placeholder="none"
          value={timeLimit}
          data-testid="model-time-limit"
          onChange={(e) => setSettings({ timeLimit: e.target.value })}
        />
      </div>
    </div>
  );
}

function PreviewAndStart() {
  const preview = useModels((s) => s.preview);
  const error = useModels((s) => s.previewError);
  const pending = useModels((s) => s.previewPending);
  const isSweep = useModels((s) => s.models.length === 1 && s.axes.length > 0);
  const single = useModels((s) => s.models.length === 1);
  const active = useFarm((s) => runIsActive(s.runState));
  const online = useFarm((s) => s.connection === 'open');
  const starting = useFarm((s) => s.pending === 'start');
  const total = preview?.total ?? null;
  return (
    <div className="model-start">
      <p className="model-count" aria-live="polite" data-testid="model-preview" data-count={total ?? ''}>
        {error
          ? 'Cannot run yet.'
          : total !== null
            ? `${int(total)} ${total === 1 ? 'task' : 'tasks'}${isSweep ? ` (at most ${int(SWEEP_CAP)})` : ''}`
            : pending
              ? 'Counting…'
              : ''}
        {pending && total !== null && <span className="muted"> updating…</span>}
      </p>
      {error && (
        <p className="banner error-banner" role="alert" data-testid="model-preview-error">
          <span>{error}</span>
        </p>
      )}
      <button
        type="button"
        className="primary"
        data-testid="model-start"
        disabled={!online || active || starting || pending || error !== null || preview === null}
        onClick={() => void startModelJob()}
        title={active ? 'A run is going: wait for it to end or terminate it.' : undefined}
      >
        {isSweep ? 'Start sweep' : single ? 'Solve model' : 'Start batch'}
      </button>
    </div>
  );
}

/**
 * Models: open CPLEX LP / MPS / glpk.js JSON files or a folder of them; one model gets a
 * summary and a sweep builder, several make a batch. A count preview from the farm updates as
 * the form changes, and Start runs the job like any other.
 */
export function ModelPanel() {
  const filesRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  const title = useModels((s) => s.title);
  const count = useModels((s) => s.models.length);
  const loading = useModels((s) => s.loading);
  const openError = useModels((s) => s.openError);
  const summary = useModels((s) => s.summary);
  const online = useFarm((s) => s.connection === 'open');
  const active = useFarm((s) => runIsActive(s.runState));
  return (
    <section className="card model-panel" aria-label="Models" data-testid="model-panel">
      <div className="section-head">
        <h2>Models{title ? `: ${title}` : ''}</h2>
        <div className="row">
          <button type="button" onClick={() => filesRef.current?.click()} disabled={!online || active}>
            Open model…
          </button>
          <button type="button" onClick={() => folderRef.current?.click()} disabled={!online || active}>
            Open folder…
          </button>
          {count > 0 && (
            <button type="button" className="small-button" onClick={() => resetModels()}>
              Close
            </button>
          )}
        </div>
        <input
          ref={filesRef}
          type="file"
          multiple
          accept={MODEL_FILE_ACCEPT}
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Model files"
          data-testid="model-file-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length > 0) void openModels(files);
          }}
        />
        <input
          ref={(el) => {
            folderRef.current = el;
            // Not in React's typings; Chromium and Electron pick a whole folder with it.
            el?.setAttribute('webkitdirectory', '');
          }}
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Model folder"
          data-testid="model-folder-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            const first = files[0] as (File & { webkitRelativePath?: string }) | undefined;
            const folder = first?.webkitRelativePath?.split('/')[0];
            if (files.length > 0) void openModels(files, folder || undefined);
          }}
        />
      </div>
      {loading && (
        <p className="muted" role="status">
          Reading…
        </p>
      )}
      {openError && (
        <p className="banner error-banner" role="alert" data-testid="model-error">
          <span>{openError}</span>
        </p>
      )}
      {count === 0 && !loading && !openError && (
        <p className="muted small">
          Open a CPLEX LP, MPS or glpk.js JSON model to sweep its coefficients and bounds, or several models (or a
          folder) to solve them as a batch.
        </p>
      )}
      {count === 1 && summary && (
        <>
          <SummaryView summary={summary} />
          <SweepBuilder summary={summary} />
        </>
      )}
      {count > 1 && <BatchList />}
      {count > 0 && !loading && (count > 1 || summary) && (
        <>
          <Settings />
          <PreviewAndStart />
        </>
      )}
    </section>
  );
}

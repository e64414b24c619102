import { useId, useRef } from 'react';
import { chooseJobFile, startRun, terminateRun } from '../state/actions.ts';
import { showHistory, showLive, useHistory } from '../state/history.ts';
import { runIsActive, useFarm } from '../state/store.ts';

function JobPicker() {
  const examples = useFarm((s) => s.examples);
  const job = useFarm((s) => s.job);
  const active = useFarm((s) => runIsActive(s.runState));
  const fileRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const value = job ? (job.type === 'example' ? `example:${job.id}` : 'file') : '';
  const selected = job?.type === 'example' ? examples.find((e) => e.id === job.id) : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>Job</label>
      <div className="row">
        <select
          id={id}
          value={value}
          disabled={active}
          title={selected?.description}
          onChange={(e) => {
            const v = e.target.value;
            if (v.startsWith('example:'))
              useFarm.setState({ job: { type: 'example', id: v.slice(8) }, toolbarError: null });
          }}
        >
          {value === '' && <option value="">Loading examples…</option>}
          {examples.length > 0 && (
            <optgroup label="Examples">
              {examples.map((e) => (
                <option key={e.id} value={`example:${e.id}`}>
                  {e.name}
                </option>
              ))}
            </optgroup>
          )}
          {job?.type === 'file' && (
            <optgroup label="Job file">
              <option value="file">{job.name}</option>
            </optgroup>
          )}
        </select>
        <button type="button" onClick={() => fileRef.current?.click()} disabled={active}>
          Open job file…
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".json,application/json"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Job file"
          data-testid="job-file-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void chooseJobFile(file);
          }}
        />
      </div>
    </div>
  );
}

function CoresPicker() {
  const cores = useFarm((s) => s.cores);
  const max = useFarm((s) => s.maxCores);
  const active = useFarm((s) => runIsActive(s.runState));
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Cores</label>
      <select
        id={id}
        value={cores === null ? 'auto' : String(cores)}
        disabled={active}
        onChange={(e) => useFarm.setState({ cores: e.target.value === 'auto' ? null : Number(e.target.value) })}
      >
        <option value="auto">Auto (all)</option>
        {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );
}

function terminateLabel(runState: string, stage: string, pending: boolean): { text: string; hint: string } {
  if (runState === 'forcing' || stage === 'force')
    return { text: 'Killing…', hint: 'Solver processes are being killed.' };
  if (runState === 'stopping' || stage === 'graceful')
    return { text: 'Draining… press to kill', hint: 'No new work is handed out; press again to kill the solvers now.' };
  if (pending) return { text: 'Terminating…', hint: '' };
  return {
    text: 'Terminate (drain)',
    hint: 'Stop handing out work and let running tasks finish. Press again to kill.',
  };
}

/** Switches between the live view and the Runs screen (run history). */
function RunsButton({ online }: { online: boolean }) {
  const open = useHistory((s) => s.open);
  return (
    <button
      type="button"
      data-testid="runs-button"
      aria-pressed={open}
      title={open ? 'Back to the live view' : 'Past runs: results, logs, export, resume'}
      onClick={() => (open ? showLive() : showHistory())}
      disabled={!online && !open}
    >
      {open ? 'Live view' : 'Runs'}
    </button>
  );
}

/** Start / Terminate / Status and the job and core pickers. */
export function Toolbar() {
  const runState = useFarm((s) => s.runState);
  const stage = useFarm((s) => s.terminateStage);
  const pending = useFarm((s) => s.pending);
  const connection = useFarm((s) => s.connection);
  const connectionDetail = useFarm((s) => s.connectionDetail);
  const hasJob = useFarm((s) => s.job !== null);
  const active = runIsActive(runState);
  const online = connection === 'open';
  const term = terminateLabel(runState, stage, pending === 'terminate');
  const forcing = runState === 'forcing' || stage === 'force';

  return (
    <header className="toolbar">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          ▦
        </span>
        Solver Farm
      </div>
      <JobPicker />
      <CoresPicker />
      <div className="actions">
        <button
          type="button"
          className="primary"
          data-testid="start"
          onClick={() => void startRun()}
          disabled={!online || active || pending !== null || !hasJob}
        >
          {pending === 'start' ? 'Starting…' : 'Start'}
        </button>
        <button
          type="button"
          className={stage === 'graceful' || runState === 'stopping' ? 'danger' : 'warn'}
          data-testid="terminate"
          data-stage={forcing ? 'force' : stage}
          title={term.hint}
          onClick={() => void terminateRun()}
          disabled={!online || !active || forcing || pending === 'terminate'}
        >
          {term.text}
        </button>
        <button
          type="button"
          data-testid="status-button"
          onClick={() => useFarm.setState({ statusOpen: true })}
          disabled={!online}
        >
          Status
        </button>
        <RunsButton online={online} />
      </div>
      <span className="spacer" />
      <span
        className={`connection conn-${connection}`}
        data-testid="connection"
        data-state={connection}
        title={connectionDetail}
      >
        <span className="dot" aria-hidden="true" />
        {connection === 'open'
          ? 'Connected'
          : connection === 'failed'
            ? 'Not connected'
            : connection === 'connecting'
              ? 'Connecting…'
              : 'Reconnecting…'}
      </span>
    </header>
  );
}

/** Errors that belong to the toolbar: start refused, bad job file, lost connection. */
export function ToolbarMessages() {
  const error = useFarm((s) => s.toolbarError);
  const connection = useFarm((s) => s.connection);
  const detail = useFarm((s) => s.connectionDetail);
  return (
    <div className="toolbar-messages">
      {connection !== 'open' && connection !== 'connecting' && (
        <p className="banner warn-banner" role="status" data-testid="connection-detail">
          {detail}
        </p>
      )}
      {error && (
        <p className="banner error-banner" role="alert" data-testid="toolbar-error">
          <span>{error}</span>
          <button type="button" className="small-button" onClick={() => useFarm.setState({ toolbarError: null })}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}

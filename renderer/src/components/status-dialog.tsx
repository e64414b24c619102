import { useEffect, useRef, useState } from 'react';
import type { FarmStatus } from '../../../solver/api.ts';
import { ago, bytes, duration, int } from '../lib/format.ts';
import { refreshStatus } from '../state/actions.ts';
import { useFarm } from '../state/store.ts';
import { type Column, ColumnHeads } from './column-heads.tsx';
import { describeSolver, stateTone } from './solver-state.ts';

/** Refresh period while the dialog is open. */
const REFRESH_MS = 500;

const STATUS_COLUMNS: readonly Column[] = [
  { label: 'Core' },
  { label: 'State' },
  { label: 'PID', num: true },
  { label: 'Task' },
  { label: 'Step', num: true },
  { label: 'Elapsed', num: true },
  { label: 'Done', num: true },
  { label: 'Failed', num: true },
  { label: 'Memory', num: true },
  { label: 'Last message', num: true },
  { label: 'Restarts', num: true },
];

/**
 * Status of every solver, asked of the farm (which answers from its own model, even while
 * every solver is deep in a solve) and refreshed while open.
 */
export function StatusDialog() {
  const open = useFarm((s) => s.statusOpen);
  const ref = useRef<HTMLDialogElement>(null);
  const [status, setStatus] = useState<FarmStatus | null>(null);
  const [latency, setLatency] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const t0 = performance.now();
      try {
        const st = await refreshStatus();
        if (stopped) return;
        setStatus(st);
        setLatency(performance.now() - t0);
        setError(null);
      } catch (e) {
        if (!stopped) setError(e instanceof Error ? e.message : String(e));
      }
      if (!stopped) timer = setTimeout(tick, REFRESH_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [open]);

  const now = status?.at ?? Date.now();
  return (
    <dialog
      ref={ref}
      className="status-dialog"
      aria-labelledby="status-title"
      data-testid="status-dialog"
      onClose={() => useFarm.setState({ statusOpen: false })}
    >
      <div className="section-head">
        <h2 id="status-title">Solver status</h2>
        {status && (
          <span className="muted small" data-testid="status-latency">
            run {status.state}
            {status.terminate !== 'none' ? ` (terminate: ${status.terminate})` : ''} · answered in{' '}
            {latency === null ? '–' : `${latency.toFixed(0)} ms`}
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="small-button" onClick={() => useFarm.setState({ statusOpen: false })}>
          Close
        </button>
      </div>
      {error && (
        <p className="card-error" role="alert">
          {error}
        </p>
      )}
      {!status && !error && <p className="muted">Asking the farm…</p>}
      {status && status.solvers.length === 0 && <p className="muted">No solver processes are running.</p>}
      {status && status.solvers.length > 0 && (
        <div className="status-scroll">
          <table className="status-table" data-testid="status-table">
            <ColumnHeads columns={STATUS_COLUMNS} />
            <tbody>
              {status.solvers.map((s) => (
                <tr key={s.id} data-testid={`status-row-${s.id}`} data-state={s.state}>
                  <td>
                    {s.id + 1}
                    {s.host ? ` @ ${s.host}` : ''}
                  </td>
                  <td>
                    <span className={`badge tone-${stateTone(s.state)}`}>
                      <span className="dot" aria-hidden="true" />
                      {describeSolver(s)}
                    </span>
                    {s.reason && <div className="small muted">{s.reason}</div>}
                  </td>
                  <td className="num">{s.pid ?? '–'}</td>
                  <td>{s.task ?? '–'}</td>
                  <td className="num">{s.step ?? '–'}</td>
                  <td className="num">{duration(now - s.since)}</td>
                  <td className="num">{int(s.tasksDone)}</td>
                  <td className="num">{int(s.tasksFailed)}</td>
                  <td className="num">{bytes(s.memory)}</td>
                  <td className="num">{ago(s.lastMessageAt, now)}</td>
                  <td className="num">{s.restarts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </dialog>
  );
}

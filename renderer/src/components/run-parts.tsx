import type { PastRun } from '../../../solver/api.ts';
import { int } from '../lib/format.ts';
import { resumePastRun, useHistory } from '../state/history.ts';
import { runIsActive, useFarm } from '../state/store.ts';

/** `2026-11-22 04:15:02` in the viewer's time zone. */
export function startedText(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** `done / total` with failures, as words a reader can say. */
export function countsText(run: PastRun): string {
  const total = run.total === null ? '' : ` / ${int(run.total)}`;
  return `${int(run.done)}${total}${run.failed > 0 ? ` (${int(run.failed)} failed)` : ''}`;
}

/** Resume and Retry failed for a resumable run (shared by the list and the opened run). */
export function ResumeButtons({ run }: { run: PastRun }) {
  const busy = useHistory((s) => s.busy);
  const active = useFarm((s) => runIsActive(s.runState));
  const online = useFarm((s) => s.connection === 'open');
  if (!run.resumable) return null;
  const missing = run.total === null ? 0 : run.total - run.done - run.failed;
  const disabled = busy !== null || active || !online;
  const why = active ? 'A run is active: terminate it or wait for it to end first.' : undefined;
  return (
    <>
      {missing > 0 && (
        <button
          type="button"
          className="small-button primary"
          data-testid="resume-run"
          disabled={disabled}
          title={why ?? `Run the ${int(missing)} tasks without a result, in the same run folder.`}
          onClick={() => void resumePastRun(run.runId, false)}
        >
          Resume
        </button>
      )}
      {run.failed > 0 && (
        <button
          type="button"
          className="small-button"
          data-testid="retry-failed"
          disabled={disabled}
          title={why ?? `Run the ${int(missing)} missing and ${int(run.failed)} failed tasks again.`}
          onClick={() => void resumePastRun(run.runId, true)}
        >
          Retry failed
        </button>
      )}
    </>
  );
}

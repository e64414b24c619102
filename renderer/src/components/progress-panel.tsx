import { duration, num, rate } from '../lib/format.ts';
import { useThrottled } from '../lib/hooks.ts';
import { useFarm } from '../state/store.ts';

const RUN_WORDS: Record<string, string> = {
  idle: 'Ready',
  starting: 'Starting',
  running: 'Running',
  stopping: 'Draining: finishing running tasks',
  forcing: 'Killing solver processes',
  done: 'Finished',
  stopped: 'Stopped',
  failed: 'Failed',
};

/** Progress bar, counts, rate, ETA; for step jobs the step and who is still working. */
export function ProgressPanel() {
  const progress = useFarm((s) => s.progress);
  const run = useFarm((s) => s.run);
  const runState = useFarm((s) => s.runState);
  const runMessage = useFarm((s) => s.runMessage);

  const step = progress?.step;
  const total = progress?.total ?? run?.total ?? null;
  const finished = (progress?.done ?? 0) + (progress?.failed ?? 0);
  let fraction: number | null = null;
  if (step && step.n > 0) {
    const doneSteps = runState === 'done' ? step.n : Math.max(0, step.k - 1);
    fraction = doneSteps / step.n;
  } else if (total !== null && total > 0) fraction = finished / total;
  else if (runState === 'done') fraction = 1;
  const pct = fraction === null ? null : Math.min(100, Math.round(fraction * 1000) / 10);

  const summary =
    run === null
      ? 'No run yet.'
      : step
        ? `${RUN_WORDS[runState] ?? runState}. Step ${step.k} of ${step.n}.`
        : `${RUN_WORDS[runState] ?? runState}. ${finished} of ${total ?? '?'} tasks finished, ${progress?.failed ?? 0} failed.`;
  // Screen readers hear a summary every few seconds, not 60 times a second.
  const spoken = useThrottled(summary, 3000);

  return (
    <section
      className="card progress-panel"
      aria-label="Progress"
      data-testid="progress"
      data-run-state={runState}
      data-run-id={run?.runId ?? ''}
    >
      <div className="progress-head">
        <h2>{run ? run.name : 'No run yet'}</h2>
        <span className={`run-state run-${runState}`} data-testid="run-state">
          {RUN_WORDS[runState] ?? runState}
        </span>
        {run && (
          <span className="muted small">
            {run.kind} · {run.cores} core{run.cores === 1 ? '' : 's'}
          </span>
        )}
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-label="Run progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        aria-valuetext={pct === null ? 'not started' : `${pct}%`}
        data-testid="progress-bar"
        data-value={pct ?? ''}
      >
        {/* scaleX, not width: no relayout. No CSS transition either: it made the page render every frame of a run. */}
        <div className={`bar-fill run-${runState}`} style={{ transform: `scaleX(${(pct ?? 0) / 100})` }} />
      </div>
      <div className="progress-facts">
        {step ? (
          <>
            <span data-testid="step-counter">
              Step <strong>{step.k}</strong> of <strong>{step.n}</strong>
            </span>
            <span data-testid="barrier-working">
              {step.working.length === 0
                ? 'all solvers at the barrier'
                : `still working: ${step.working.map((w) => `core ${w + 1}`).join(', ')}`}
            </span>
            {progress?.best !== undefined && (
              <span>
                best <strong data-testid="best-value">{num(progress.best)}</strong>
              </span>
            )}
          </>
        ) : (
          <>
            <span data-testid="progress-done">
              <strong>{num(progress?.done ?? 0)}</strong> done
            </span>
            <span className={progress?.failed ? 'bad-text' : ''} data-testid="progress-failed">
              <strong>{num(progress?.failed ?? 0)}</strong> failed
            </span>
            <span data-testid="progress-total">
              of <strong>{total === null ? '–' : num(total)}</strong>
            </span>
            <span>{pct === null ? '' : `${pct}%`}</span>
            <span>{num(progress?.running ?? 0)} running</span>
            <span>{rate(progress?.rate)}</span>
            <span>
              ETA {progress?.etaMs === null || progress?.etaMs === undefined ? '–' : duration(progress.etaMs)}
            </span>
          </>
        )}
        <span>elapsed {duration(progress?.elapsedMs)}</span>
      </div>
      {run?.dir && (
        <p className="muted small run-dir">
          Full logs and results: <code>{run.dir}</code>
        </p>
      )}
      {runMessage && (
        <p
          className={runState === 'failed' ? 'card-error' : 'muted'}
          role={runState === 'failed' ? 'alert' : undefined}
        >
          {runMessage}
        </p>
      )}
      <p className="visually-hidden" aria-live="polite">
        {spoken}
      </p>
    </section>
  );
}

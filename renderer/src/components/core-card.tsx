import { useShallow } from 'zustand/react/shallow';
import { bytes, duration, int } from '../lib/format.ts';
import { useNow } from '../lib/hooks.ts';
import { useFarm } from '../state/store.ts';
import { LogPane } from './log-pane.tsx';
import { describeSolver, stateTone } from './solver-state.ts';

/** One solver process: what it is doing, for how long, and its live log. */
export function CoreCard({ id }: { id: number }) {
  const solver = useFarm((s) => s.solvers.find((v) => v.id === id));
  const lastError = useFarm((s) => s.errors.findLast((e) => e.solver === id)?.message);
  const now = useNow();
  const tone = stateTone(solver?.state);
  const busy = solver && (solver.state === 'solving' || solver.state === 'stepping' || solver.state === 'barrier');
  const problem =
    solver?.state === 'crashed' ? (solver.reason ?? lastError ?? 'The process ended unexpectedly.') : lastError;

  return (
    <section
      className={`card core-card tone-${tone}`}
      data-testid={`core-${id}`}
      data-state={solver?.state ?? 'none'}
      aria-label={`Core ${id + 1}`}
    >
      <header className="core-head">
        <h3>Core {id + 1}</h3>
        <span className={`badge tone-${tone}`} data-testid="core-state">
          <span className="dot" aria-hidden="true" />
          {describeSolver(solver)}
        </span>
      </header>
      <dl className="core-facts">
        <div>
          <dt>{busy ? 'For' : 'Since'}</dt>
          <dd>{solver ? duration(now - solver.since) : '–'}</dd>
        </div>
        <div>
          <dt>Done</dt>
          <dd data-testid="core-done">{solver ? int(solver.tasksDone) : '–'}</dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd>{solver ? int(solver.tasksFailed) : '–'}</dd>
        </div>
        <div>
          <dt>Memory</dt>
          <dd>{bytes(solver?.memory)}</dd>
        </div>
        <div>
          <dt>PID</dt>
          <dd>{solver?.pid ?? '–'}</dd>
        </div>
        {solver && solver.restarts > 0 && (
          <div>
            <dt>Restarts</dt>
            <dd>{solver.restarts}</dd>
          </div>
        )}
      </dl>
      {problem && (
        <p className="card-error" role="alert">
          {problem}
        </p>
      )}
      <LogPane source={id} title={`Core ${id + 1} log`} testId={`log-${id}`} />
    </section>
  );
}

/** Every solver's card; before the first run, one placeholder per requested core. */
export function CoreGrid() {
  const ids = useFarm(
    useShallow((s) => {
      const set = new Set<number>(s.solvers.map((v) => v.id));
      for (let i = 0; i < s.logs.length; i++) set.add(i);
      return [...set].sort((a, b) => a - b);
    }),
  );
  const run = useFarm((s) => s.run);
  if (ids.length === 0) {
    return (
      <div className="card empty-grid muted" data-testid="core-grid">
        {run
          ? 'Starting the solver processes…'
          : 'No solver processes yet. Pick a job and press Start: one solver starts per core.'}
      </div>
    );
  }
  return (
    <div className="core-grid" data-testid="core-grid">
      {ids.map((id) => (
        <CoreCard key={id} id={id} />
      ))}
    </div>
  );
}

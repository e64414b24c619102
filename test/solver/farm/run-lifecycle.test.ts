/**
 * The run's one state and its transitions (solver/farm/run-lifecycle.ts): what shells see,
 * the terminate stage and the outcome all follow from it, and each visible change is said
 * once as a `run` event.
 */
import { describe, expect, it } from 'vitest';
import type { FarmEvent, RunInfo } from '../../../solver/api.ts';
import { RunLifecycle } from '../../../solver/farm/run-lifecycle.ts';

const info: RunInfo = {
  runId: 'r',
  kind: 'sweep',
  name: 'n',
  total: 1,
  steps: null,
  cores: 1,
  startedAt: 0,
  view: { kind: 'none' },
};

function lifecycle(): { life: RunLifecycle; states: () => string[] } {
  const events: FarmEvent[] = [];
  const life = new RunLifecycle(info, (e) => events.push(e));
  return { life, states: () => events.flatMap((e) => (e.type === 'run' ? [e.state] : [])) };
}

describe('RunLifecycle', () => {
  it('starting → running → done: work over, the run shows running until its processes are gone', async () => {
    const { life, states } = lifecycle();
    life.announce();
    life.setUp();
    expect([life.open, life.working]).toEqual([true, true]);
    expect(life.complete()).toBe(true);
    expect(life.complete()).toBe(false);
    expect([life.state, life.ending, life.open, life.working, life.outcome]).toEqual([
      'running',
      true,
      false,
      false,
      'done',
    ]);
    expect(life.end()).toBe('done');
    expect(await life.ended).toBe('done');
    expect(states()).toEqual(['starting', 'running', 'done']);
    expect(life.terminateStage).toBe('none');
  });

  it('graceful then force: stopping, forcing, stopped; the stage goes up and stays', () => {
    const { life, states } = lifecycle();
    life.announce();
    life.setUp();
    expect(life.stop()).toBe(true);
    expect([life.state, life.terminateStage]).toEqual(['stopping', 'graceful']);
    expect(life.force()).toBe(true);
    expect(life.force()).toBe(false);
    expect([life.state, life.terminateStage]).toEqual(['forcing', 'force']);
    life.end();
    expect(states()).toEqual(['starting', 'running', 'stopping', 'forcing', 'stopped']);
    expect(life.terminateStage).toBe('force');
  });

  it('a terminate while the work is already over keeps the outcome: the first press only notes it', () => {
    const { life, states } = lifecycle();
    life.announce();
    life.setUp();
    life.complete();
    expect(life.stop()).toBe(false);
    expect([life.state, life.terminateStage]).toEqual(['running', 'graceful']);
    expect(life.force()).toBe(true);
    expect(life.state).toBe('forcing');
    expect(life.end()).toBe('done');
    expect(states()).toEqual(['starting', 'running', 'forcing', 'done']);
  });

  it('a failure keeps its reason, also when it comes while stopping (the run still ends stopped)', () => {
    const { life } = lifecycle();
    life.setUp();
    life.stop();
    expect(life.fail('reduce failed')).toBe(false);
    expect(life.end()).toBe('stopped');
    expect(life.reason).toBe('reduce failed');

    const other = lifecycle().life;
    expect(other.fail('no solver process is left')).toBe(true);
    expect(other.state).toBe('starting');
    expect(other.end()).toBe('failed');
  });

  it('a race win completes with its reason; the last event carries it', () => {
    const events: FarmEvent[] = [];
    const life = new RunLifecycle(info, (e) => events.push(e));
    life.setUp();
    expect(life.reason).toBeUndefined();
    expect(life.complete('race won by a')).toBe(true);
    life.end();
    expect(events.at(-1)).toMatchObject({ type: 'run', state: 'done', reason: 'race won by a' });
  });
});

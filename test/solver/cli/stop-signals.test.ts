/**
 * The stop ladder of the long-running commands (solver/cli/stop-signals.ts) with signals from
 * an emitter, and `--grace` as commander parses it. The commands themselves, with real
 * signals and processes, are in sigterm.test.ts.
 */
import { EventEmitter } from 'node:events';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GRACE_S,
  formatGrace,
  graceMs,
  type StopActions,
  stopLadder,
} from '../../../solver/cli/stop-signals.ts';
import { program } from '../../../solver/cli.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A ladder on an emitter, recording what it did. */
function ladder(graceMs: number, firstInterrupt: 'drain' | 'force') {
  const signals = new EventEmitter();
  const calls: string[] = [];
  const actions: StopActions = {
    drain: (signal, grace) => calls.push(`drain ${signal} ${grace}`),
    force: (cause, first) => calls.push(`force ${cause}${first ? ' first' : ''}`),
    exit: () => calls.push('exit'),
  };
  const l = stopLadder({ graceMs, firstInterrupt, actions, signals });
  return { signals, calls, ladder: l };
}

describe('stopLadder', () => {
  it('SIGTERM drains, and forces once the grace is over', async () => {
    const { signals, calls, ladder: l } = ladder(60, 'drain');
    signals.emit('SIGTERM');
    expect(calls).toEqual(['drain SIGTERM 60']);
    expect(l.stage).toBe('drain');
    await sleep(150);
    expect(calls).toEqual(['drain SIGTERM 60', 'force grace']);
    signals.emit('SIGTERM');
    expect(calls.at(-1)).toBe('exit');
    l.dispose();
  });

  it('a second signal during the grace forces at once; the grace timer is then off', async () => {
    const { signals, calls, ladder: l } = ladder(60, 'drain');
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    await sleep(150);
    expect(calls).toEqual(['drain SIGTERM 60', 'force SIGINT']);
    l.dispose();
  });

  it('Ctrl-C as before for `run`: drain without a bound, kill, exit', async () => {
    const { signals, calls, ladder: l } = ladder(60, 'drain');
    signals.emit('SIGINT');
    await sleep(150);
    expect(calls).toEqual(['drain SIGINT null']);
    signals.emit('SIGINT');
    signals.emit('SIGINT');
    expect(calls).toEqual(['drain SIGINT null', 'force SIGINT', 'exit']);
    l.dispose();
  });

  it('Ctrl-C as before for `serve` and `worker`: stop at once; SIGTERM still drains', () => {
    const a = ladder(60, 'force');
    a.signals.emit('SIGINT');
    expect(a.calls).toEqual(['force SIGINT first']);
    a.ladder.dispose();
    const b = ladder(60, 'force');
    b.signals.emit('SIGTERM');
    expect(b.calls).toEqual(['drain SIGTERM 60']);
    b.ladder.dispose();
  });

  it('--grace 0: SIGTERM forces at once', () => {
    const { signals, calls, ladder: l } = ladder(0, 'drain');
    signals.emit('SIGTERM');
    expect(calls).toEqual(['force SIGTERM first']);
    l.dispose();
  });

  it('dispose() stops listening and clears the grace timer', async () => {
    const { signals, calls, ladder: l } = ladder(40, 'drain');
    signals.emit('SIGTERM');
    l.dispose();
    await sleep(100);
    signals.emit('SIGTERM');
    expect(calls).toEqual(['drain SIGTERM 40']);
    expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT')).toBe(0);
  });
});

describe('--grace', () => {
  const graceOption = (command: string) => {
    const option = program()
      .commands.find((c) => c.name() === command)
      ?.options.find((o) => o.long === '--grace');
    if (option === undefined) throw new Error(`${command} has no --grace`);
    return option;
  };

  it.each(['run', 'resume', 'serve', 'worker'])('%s: defaults to 10 s', (command) => {
    expect(DEFAULT_GRACE_S).toBe(10);
    expect(graceOption(command).defaultValue).toBe(10);
    expect(graceMs(undefined)).toBe(10_000);
  });

  it('takes seconds from 0 to a day, fractions too', () => {
    const parse = (text: string) => graceOption('run').parseArg?.(text, undefined);
    expect(parse('0')).toBe(0);
    expect(parse('1')).toBe(1);
    expect(parse('2.5')).toBe(2.5);
    expect(graceMs(2.5)).toBe(2500);
    for (const bad of ['', ' ', '-1', 'ten', '1e9', 'Infinity', '86401']) {
      expect(() => parse(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('is worded in the lines the commands print', () => {
    expect(formatGrace(10_000)).toBe('10 s');
    expect(formatGrace(1500)).toBe('1.5 s');
  });
});

/**
 * The solver process's command loop, in-process with a fake channel: the same code a solver
 * process runs, without the process.
 */
import { describe, expect, it } from 'vitest';
import type { AnyProblemKind, SolverContext } from '../../../solver/problems/types.ts';
import { type FromSolver, STATUS_CODES, type ToSolver } from '../../../solver/protocol.ts';
import type { SolverChannel } from '../../../solver/solver-process/channel.ts';
import { droppedLine, LogCapture, MAX_HELD_LINES } from '../../../solver/solver-process/log-capture.ts';
import { SolverLoop } from '../../../solver/solver-process/loop.ts';

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

/** A kind whose spec is a list of milliseconds and whose task i is "spin spec[i] ms, log a line, return it"; 13 throws. */
const spinKind: AnyProblemKind = {
  kind: 'spin',
  parse: (doc: unknown) => doc,
  plan: (spec: unknown) => {
    const ms = spec as number[];
    return { type: 'tasks', count: ms.length, task: (i) => ms[i], label: (i) => `task ${i}`, params: () => ({}) };
  },
  setup: (_spec: unknown, ctx: SolverContext) => ({ solver: ctx.solver }),
  solve(_state: unknown, ms: number, ctx: SolverContext) {
    if (ms === 13) throw new Error('unlucky task');
    spin(ms);
    ctx.log(`spun ${ms}`);
    return { status: 'optimal', objective: ms, timeMs: ms };
  },
};

class FakeChannel implements SolverChannel {
  readonly sent: { at: number; message: FromSolver }[] = [];
  send(message: FromSolver): void {
    this.sent.push({ at: performance.now(), message });
  }
  onMessage(): void {}
  async drain(): Promise<void> {}
  async written(): Promise<void> {}
  congested = false;
  of<T extends FromSolver['t']>(t: T): Extract<FromSolver, { t: T }>[] {
    return this.sent.flatMap((s) => (s.message.t === t ? [s.message as Extract<FromSolver, { t: T }>] : []));
  }
}

function start(): { loop: SolverLoop; channel: FakeChannel; exits: number[] } {
  const channel = new FakeChannel();
  const exits: number[] = [];
  const loop = new SolverLoop({ channel, kinds: new Map([['spin', spinKind]]), exit: (code) => exits.push(code) });
  return { loop, channel, exits };
}

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('SolverLoop', () => {
  it('says ready, sets up once, reports an unknown kind as setup-failed', async () => {
    const { loop, channel } = start();
    loop.ready();
    loop.handle({ t: 'setup', kind: 'nope', spec: {}, solver: 0, seed: 1 });
    await until(() => channel.of('setup-failed').length === 1);
    expect(channel.of('ready')[0]?.pid).toBe(process.pid);
    expect(channel.of('setup-failed')[0]?.error.message).toBe('unknown job kind "nope" (this solver knows: spin)');
    loop.handle({ t: 'setup', kind: 'spin', spec: {}, solver: 0, seed: 1 });
    await until(() => channel.of('setup-done').length === 1);
    expect(channel.of('setup-done')[0]?.rss).toBeGreaterThan(0);
  });

  it('reports the rows of a long batch at least every ~16 ms, then the batch end', async () => {
    const { loop, channel } = start();
    loop.handle({ t: 'setup', kind: 'spin', spec: Array.from({ length: 100 }, () => 1), solver: 0, seed: 1 });
    await until(() => channel.of('setup-done').length === 1);
    const indices = Array.from({ length: 100 }, (_, i) => i); // 100 × 1 ms
    loop.handle({ t: 'run', batch: 7, i: indices } satisfies ToSolver);
    await until(() => channel.of('rows').some((r) => r.done));
    const results = channel.sent.filter((s) => s.message.t === 'rows');
    expect(results.length).toBeGreaterThanOrEqual(4); // ~100 ms of work, reported as it goes
    expect(results.at(-1)?.message).toMatchObject({ t: 'rows', batch: 7, done: true });
    for (const r of results.slice(0, -1)) expect(r.message).toMatchObject({ done: false });
    // Each task once, in order: each message's rows start where the last one's ended.
    let next = 0;
    for (const r of channel.of('rows')) {
      expect(r.at).toBe(next);
      next += r.s.length;
    }
    expect(next).toBe(indices.length);
    // No gap between reports much longer than the flush interval plus one task.
    for (let k = 1; k < results.length; k++) {
      expect((results[k] as { at: number }).at - (results[k - 1] as { at: number }).at).toBeLessThan(200);
    }
  });

  it("turns a task's exception into an error result and goes on", async () => {
    const { loop, channel } = start();
    loop.handle({ t: 'setup', kind: 'spin', spec: [0, 13, 0], solver: 0, seed: 1 });
    await until(() => channel.of('setup-done').length === 1);
    loop.handle({ t: 'run', batch: 1, i: [0, 1, 2] });
    await until(() => channel.of('rows').some((r) => r.done));
    const rows = channel.of('rows');
    expect(rows.flatMap((r) => r.s.map((code) => STATUS_CODES[code]))).toEqual(['optimal', 'error', 'optimal']);
    expect(rows.flatMap((r) => r.o)).toEqual([0, null, 0]);
    const extra = rows.flatMap((r) => (r.x ?? []).map((x) => ({ ...x, r: r.at + x.r })));
    expect(extra).toEqual([{ r: 1, error: expect.objectContaining({ message: 'unlucky task' }) }]);
  });

  it('on shutdown mid-batch, finishes the running task, starts no other, and exits 0', async () => {
    const { loop, channel, exits } = start();
    loop.handle({ t: 'setup', kind: 'spin', spec: Array.from({ length: 50 }, () => 20), solver: 0, seed: 1 });
    await until(() => channel.of('setup-done').length === 1);
    loop.handle({ t: 'run', batch: 1, i: Array.from({ length: 50 }, (_, i) => i) });
    // The loop yields after each ≥ 4 ms task; shutdown arrives between tasks.
    await new Promise((resolve) => setTimeout(resolve, 70));
    loop.handle({ t: 'shutdown' });
    await until(() => exits.length > 0);
    expect(exits).toEqual([0]);
    const done = channel.of('rows').flatMap((r) => r.s);
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThan(10);
    expect(channel.of('rows').some((r) => r.done)).toBe(false);
  });
});

describe('LogCapture', () => {
  it('flushes on the first line after a quiet spell and then at most every interval, checked per line', () => {
    const batches: string[][] = [];
    const logs = new LogCapture((lines) => batches.push(lines), 16);
    logs.log('first'); // quiet before: goes at once
    expect(batches).toEqual([['first']]);
    logs.log('second');
    logs.log('third');
    expect(batches).toHaveLength(1); // within 16 ms: buffered
    spin(20); // a synchronous solve: no timer can fire
    logs.log('fourth'); // checked on this line: ≥ 16 ms since the last flush
    expect(batches).toEqual([['first'], ['second', 'third', 'fourth']]);
    logs.log('a\nb');
    logs.flush();
    expect(batches.at(-1)).toEqual(['a', 'b']);
    logs.flush();
    expect(batches).toHaveLength(3); // nothing buffered: nothing sent
  });

  it('flushes leftovers on a timer when the event loop is free', async () => {
    const batches: string[][] = [];
    const logs = new LogCapture((lines) => batches.push(lines), 16);
    logs.log('one');
    logs.log('two');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(batches).toEqual([['one'], ['two']]);
  });

  it('holds lines while the channel is congested, keeps the newest, and owns up to the rest', () => {
    const batches: string[][] = [];
    let congested = true;
    const logs = new LogCapture(
      (lines) => batches.push(lines),
      0,
      () => congested,
    );
    const total = MAX_HELD_LINES + 1234;
    for (let i = 0; i < total; i++) logs.log(`line ${i}`);
    expect(batches).toEqual([]);
    expect(logs.pending).toBe(MAX_HELD_LINES);
    expect(logs.dropped).toBe(1234);
    congested = false;
    logs.flush();
    expect(batches).toHaveLength(1);
    const sent = batches[0] as string[];
    expect(sent[0]).toBe(droppedLine(1234));
    expect(sent[0]).toBe("… 1,234 log lines dropped: the farm fell behind this solver's output");
    expect(sent.slice(1)).toEqual(Array.from({ length: MAX_HELD_LINES }, (_, i) => `line ${i + 1234}`));
    expect(logs.dropped).toBe(0);
  });

  it('sends held lines when forced (last words before an exit), congested or not', () => {
    const batches: string[][] = [];
    const logs = new LogCapture(
      (lines) => batches.push(lines),
      0,
      () => true,
    );
    logs.log('before exit');
    expect(batches).toEqual([]);
    logs.flush(undefined, true);
    expect(batches).toEqual([['before exit']]);
  });
});

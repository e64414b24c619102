/**
 * A page that falls behind a chatty run gets no log lines until it catches up (so its Status
 * replies and results are not queued behind megabytes of lines it would scroll past), then a
 * line in each pane saying how many it missed. Other clients are not affected.
 */
import { describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import type { FarmApi, FarmEvent, TaskResult, WsServerMessage } from '../../../solver/api.ts';
import type { JobAccess } from '../../../solver/problems/job-access.ts';
import { LOG_SHED_BYTES, MAX_BUFFERED_BYTES, WsBridge } from '../../../solver/serve/ws-bridge.ts';

/** Just enough of a farm: subscribe, and a way to emit event batches. */
function fakeFarm(): { farm: FarmApi; emit(events: FarmEvent[]): void } {
  let listener: ((events: FarmEvent[]) => void) | undefined;
  const farm = {
    subscribe(l: (events: FarmEvent[]) => void) {
      listener = l;
      return () => {
        listener = undefined;
      };
    },
  } as unknown as FarmApi;
  return { farm, emit: (events) => listener?.(events) };
}

/** A socket whose unsent byte count the test sets; it records the frames sent to it. */
class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly frames: FarmEvent[][] = [];
  readonly replies: WsServerMessage[] = [];
  #onMessage: ((data: Buffer, isBinary: boolean) => void) | undefined;
  on(event: string, handler: (data: Buffer, isBinary: boolean) => void): void {
    if (event === 'message') this.#onMessage = handler;
  }
  /** The page sends a request frame. */
  receive(request: unknown): void {
    this.#onMessage?.(Buffer.from(JSON.stringify(request)), false);
  }
  send(text: string): void {
    const m = JSON.parse(text) as WsServerMessage;
    if (m.type === 'events') this.frames.push(m.events);
    else this.replies.push(m);
  }
  terminate(): void {
    this.readyState = 3;
  }
  close(): void {}
}

/** A page's rules: nothing beneath any folder, no modules (these tests send no jobs). */
const PAGE_ACCESS: JobAccess = { roots: [], modules: [] };

const result = {
  id: 'a',
  index: 0,
  label: 'P=1',
  solver: 0,
  status: 'optimal',
  objective: 1,
  params: {},
  timeMs: 1,
} as TaskResult;

describe('WsBridge log shedding', () => {
  it('holds log lines back from a lagging client, keeps everything else, then says what it missed', () => {
    const { farm, emit } = fakeFarm();
    const bridge = new WsBridge(farm, PAGE_ACCESS);
    const slow = new FakeSocket();
    const fast = new FakeSocket();
    bridge.attach(slow as unknown as WebSocket);
    bridge.attach(fast as unknown as WebSocket);

    slow.bufferedAmount = LOG_SHED_BYTES + 1;
    emit([
      { type: 'log', solver: 0, lines: ['a', 'b', 'c'] },
      { type: 'results', results: [result] },
      { type: 'log', solver: 1, lines: ['d'] },
    ]);
    emit([{ type: 'log', solver: 0, lines: ['e', 'f'] }]);
    // The lagging client got the results and no lines; nothing at all for a log-only batch.
    expect(slow.frames).toEqual([[{ type: 'results', results: [result] }]]);
    // The other client got everything.
    expect(fast.frames.flat().filter((e) => e.type === 'log')).toHaveLength(3);

    slow.bufferedAmount = 0;
    emit([{ type: 'log', solver: 1, lines: ['g'] }]);
    const caughtUp = slow.frames.at(-1) as FarmEvent[];
    expect(caughtUp).toEqual([
      { type: 'log', solver: 0, lines: ['… 5 log lines not shown: this page fell behind the stream'] },
      { type: 'log', solver: 1, lines: ['… 1 log line not shown: this page fell behind the stream'] },
      { type: 'log', solver: 1, lines: ['g'] },
    ]);
    // Said once: the next batch goes through as it is.
    emit([{ type: 'log', solver: 0, lines: ['h'] }]);
    expect(slow.frames.at(-1)).toEqual([{ type: 'log', solver: 0, lines: ['h'] }]);
    bridge.close();
  });
});

describe('WsBridge error stacks', () => {
  it('forwards task, run and solver errors without their stacks, leaving the farm its own copies', () => {
    const { farm, emit } = fakeFarm();
    const bridge = new WsBridge(farm, PAGE_ACCESS);
    const socket = new FakeSocket();
    bridge.attach(socket as unknown as WebSocket);
    const stack = 'Error: bad task\n    at solve (/home/me/kinds/secret-kind.ts:12:9)';
    const failed = { ...result, status: 'error', error: { name: 'Error', message: 'bad task', stack } } as TaskResult;
    const events: FarmEvent[] = [
      { type: 'results', results: [result, failed] },
      { type: 'error', solver: 1, error: { name: 'Error', message: 'crashed', stack } },
      { type: 'run', state: 'failed', run: null, error: { name: 'Error', message: 'run failed', stack } },
      { type: 'log', solver: 0, lines: ['x'] },
    ];
    emit(events);
    expect(JSON.stringify(socket.frames)).not.toContain('secret-kind');
    expect(socket.frames).toEqual([
      [
        { type: 'results', results: [result, { ...failed, error: { name: 'Error', message: 'bad task' } }] },
        { type: 'error', solver: 1, error: { name: 'Error', message: 'crashed' } },
        { type: 'run', state: 'failed', run: null, error: { name: 'Error', message: 'run failed' } },
        { type: 'log', solver: 0, lines: ['x'] },
      ],
    ]);
    // The journal and other listeners see what the solvers reported.
    expect(failed.error?.stack).toBe(stack);
    bridge.close();
  });
});

describe('WsBridge requests', () => {
  it("answers through the verb table: arguments checked, the server's access given, unknown verbs refused", async () => {
    const { farm } = fakeFarm();
    const calls: unknown[][] = [];
    Object.assign(farm, {
      terminate: async (...args: unknown[]) => {
        calls.push(['terminate', ...args]);
        return 'graceful';
      },
      preview: async (...args: unknown[]) => {
        calls.push(['preview', ...args]);
        return { total: 1 };
      },
    });
    const bridge = new WsBridge(farm, PAGE_ACCESS, () => {});
    const socket = new FakeSocket();
    bridge.attach(socket as unknown as WebSocket);
    socket.receive({ id: 1, verb: 'terminate', args: [{ force: true }] });
    socket.receive({ id: 2, verb: 'terminate', args: [{ force: 'yes' }] });
    socket.receive({ id: 3, verb: 'preview', args: [{ example: 'wyndor-sweep' }] });
    socket.receive({ id: 4, verb: '__proto__', args: [] });
    await vi.waitFor(() => expect(socket.replies).toHaveLength(4));
    const byId = new Map(socket.replies.map((r) => [r.type === 'reply' ? r.id : -1, r]));
    expect(byId.get(1)).toEqual({ type: 'reply', id: 1, ok: true, value: 'graceful' });
    expect(byId.get(2)).toMatchObject({ ok: false, error: { name: 'TypeError', code: 'invalid-argument' } });
    expect(byId.get(3)).toEqual({ type: 'reply', id: 3, ok: true, value: { total: 1 } });
    expect(byId.get(4)).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('Unknown request verb "__proto__"') },
    });
    expect(calls).toEqual([
      ['terminate', { force: true }],
      ['preview', { example: 'wyndor-sweep' }, PAGE_ACCESS],
    ]);
    bridge.close();
  });
});

describe('WsBridge replies to a client that does not read', () => {
  it('cuts the client off instead of queueing a reply past the cap', async () => {
    const { farm } = fakeFarm();
    Object.assign(farm, { status: async () => ({ state: 'idle' }) });
    const bridge = new WsBridge(farm, PAGE_ACCESS, () => {});
    const socket = new FakeSocket();
    bridge.attach(socket as unknown as WebSocket);
    socket.receive({ id: 1, verb: 'status', args: [] });
    await vi.waitFor(() => expect(socket.replies).toHaveLength(1));
    socket.bufferedAmount = MAX_BUFFERED_BYTES + 1;
    socket.receive({ id: 2, verb: 'status', args: [] });
    await vi.waitFor(() => expect(socket.readyState).toBe(3));
    expect(socket.replies).toHaveLength(1);
    expect(bridge.size).toBe(0);
    bridge.close();
  });
});

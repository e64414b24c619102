/**
 * FarmApi over WebSocket text frames (the wire types are WsRequest / WsServerMessage in
 * solver/api.ts): each request is answered by id, through the verb table (farm/verbs.ts,
 * which checks the arguments); every connected client gets every event batch the farm emits
 * (the farm already batches at ≤ 60 Hz, one frame per batch). What one client may cost is
 * bounded: its requests by request-gate.ts, its unsent bytes by MAX_BUFFERED_BYTES.
 */
import type { WebSocket } from 'ws';
import type { FarmEvent, WsServerMessage } from '../api.ts';
import { eventsForPage, pageError, stackOf, worthLogging } from '../farm/page-errors.ts';
import type { JobAccess, PageFacingFarm } from '../farm/page-farm.ts';
import { callVerb, fixedAccess, isFarmVerb, type PageAccess, VERBS } from '../farm/verbs.ts';
import { RequestGate } from './request-gate.ts';

/** Frames bigger than this are refused: a job document is small, a flood is not. */
const MAX_FRAME_BYTES = 8 * 1024 * 1024;
/**
 * Unsent bytes after which a client that does not read is dropped, whatever is sent to it:
 * event batches and replies alike (a paused client asking for big pages would otherwise make
 * the server hold every reply: 300 pages of 12 MB took it to 4.3 GB). Its page reconnects
 * and re-reads status().
 */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/**
 * Unsent bytes after which a client gets no log lines until it has caught up. Logs are most
 * of the traffic of a chatty run (256k lines/s over 2 cores is ~15 MB/s), and a page that
 * falls behind would otherwise get its replies (Status!) and results only after a backlog of
 * lines it will mostly scroll past: its panes keep only the last few thousand anyway.
 */
export const LOG_SHED_BYTES = 1024 * 1024;

/** A frame that is no request (or names no verb): the page's bug, not the server's, so not logged. */
class BadRequest extends Error {
  readonly code = 'bad-request';
}

/** Owns the set of connected sockets and the one farm subscription they share. */
export class WsBridge {
  readonly #farm: PageFacingFarm;
  /** What jobs from these pages may read and load: one rule for every page of this server. */
  readonly #page: PageAccess;
  readonly #clients = new Set<WebSocket>();
  /** Log lines held back from a lagging client, per solver slot, until it catches up. */
  readonly #skipped = new Map<WebSocket, Map<number, number>>();
  /** How much work each socket may ask for at a time (request-gate.ts). */
  readonly #gates = new Map<WebSocket, RequestGate>();
  readonly #unsubscribe: () => void;
  /** The server's log: where the stacks of failed requests go, since the page gets none. */
  readonly #log: (line: string) => void;

  constructor(
    farm: PageFacingFarm,
    access: JobAccess,
    log: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
  ) {
    this.#farm = farm;
    this.#page = fixedAccess(access);
    this.#log = log;
    // Stacks that solvers reported (task errors, crashes) stay in the journal, not on the wire.
    this.#unsubscribe = farm.subscribe((events) => this.#broadcast(eventsForPage(events)));
  }

  /** Number of connected clients. */
  get size(): number {
    return this.#clients.size;
  }

  /** Take over a freshly upgraded socket. */
  attach(socket: WebSocket): void {
    this.#clients.add(socket);
    this.#gates.set(socket, new RequestGate(socket));
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        socket.close(1003, 'text frames only');
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8');
      // #handle answers every failure itself; this catch is for a failure to answer.
      this.#handle(socket, text).catch((err: unknown) =>
        this.#log(`serve: a WebSocket request failed: ${stackOf(err)}`),
      );
    });
    socket.on('close', () => this.#forget(socket));
    socket.on('error', () => this.#forget(socket));
  }

  /** Stop forwarding events and close every client socket (cut off after 1 s if a peer never answers). */
  close(): void {
    this.#unsubscribe();
    for (const socket of this.#clients) {
      socket.close(1001, 'server closing');
      setTimeout(() => socket.terminate(), 1000).unref();
    }
    this.#clients.clear();
    this.#skipped.clear();
    for (const gate of this.#gates.values()) gate.close();
    this.#gates.clear();
  }

  #forget(socket: WebSocket): void {
    this.#clients.delete(socket);
    this.#skipped.delete(socket);
    this.#gates.get(socket)?.close();
    this.#gates.delete(socket);
  }

  /**
   * Sends a frame; once it is written out, the socket's waiting requests may start (every frame
   * wakes them, so a backlog of events alone never leaves a request waiting for good).
   */
  #send(socket: WebSocket, text: string): void {
    const gate = this.#gates.get(socket);
    socket.send(text, gate === undefined ? undefined : () => gate.wake());
  }

  /**
   * Whether `socket` is behind by more than MAX_BUFFERED_BYTES; if so it is cut off here, before
   * anything more is made for it.
   */
  #dropIfBehind(socket: WebSocket): boolean {
    if (socket.bufferedAmount <= MAX_BUFFERED_BYTES) return false;
    socket.terminate();
    this.#forget(socket);
    return true;
  }

  /** Sends a reply, unless the socket is closed or too far behind (then it is dropped). */
  #reply(socket: WebSocket, message: WsServerMessage): void {
    if (socket.readyState !== socket.OPEN || this.#dropIfBehind(socket)) return;
    this.#send(socket, JSON.stringify(message));
    // One big reply can take it over the cap: what it cannot take is not kept either.
    this.#dropIfBehind(socket);
  }

  #broadcast(events: FarmEvent[]): void {
    if (this.#clients.size === 0) return;
    let frame: string | undefined;
    let lean: { events: FarmEvent[]; lines: Map<number, number> } | undefined;
    for (const socket of this.#clients) {
      if (socket.readyState !== socket.OPEN) continue;
      // A client that stopped reading (a frozen tab) would make the server buffer every
      // event forever; drop it instead. Its page reconnects and re-reads status().
      if (this.#dropIfBehind(socket)) continue;
      if (socket.bufferedAmount > LOG_SHED_BYTES) {
        // Behind: everything but log lines, which are counted to be owned up to later.
        lean ??= withoutLogs(events);
        const skipped = this.#skipped.get(socket) ?? new Map<number, number>();
        for (const [solver, n] of lean.lines) skipped.set(solver, (skipped.get(solver) ?? 0) + n);
        this.#skipped.set(socket, skipped);
        if (lean.events.length > 0) this.#send(socket, JSON.stringify({ type: 'events', events: lean.events }));
        continue;
      }
      const skipped = this.#skipped.get(socket);
      if (skipped !== undefined) {
        // Caught up: say in each pane how many lines it missed, then go on as usual.
        this.#skipped.delete(socket);
        const notes: FarmEvent[] = [...skipped].map(([solver, n]) => ({
          type: 'log',
          solver,
          lines: [
            `… ${n.toLocaleString('en-US')} log line${n === 1 ? '' : 's'} not shown: this page fell behind the stream`,
          ],
        }));
        this.#send(socket, JSON.stringify({ type: 'events', events: [...notes, ...events] } satisfies WsServerMessage));
        continue;
      }
      frame ??= JSON.stringify({ type: 'events', events } satisfies WsServerMessage);
      this.#send(socket, frame);
    }
  }

  async #handle(socket: WebSocket, text: string): Promise<void> {
    let id = -1;
    let verb = '';
    try {
      const request = parseRequest(text);
      id = request.id;
      verb = request.verb;
      const gate = this.#gates.get(socket);
      // A socket already forgotten (closed, or dropped for not reading), or too far behind to
      // be kept, gets nothing more done.
      if (gate === undefined || this.#dropIfBehind(socket)) return;
      const done = await gate.run(() => this.#dispatch(request.verb, request.args));
      if (done !== null) this.#reply(socket, { type: 'reply', id, ok: true, value: done.value });
    } catch (err) {
      const error = pageError(err);
      if (worthLogging(error.code)) this.#log(`serve: ${verb} failed: ${stackOf(err)}`);
      this.#reply(socket, { type: 'reply', id, ok: false, error });
    }
  }

  #dispatch(verb: string, args: unknown[]): Promise<unknown> {
    if (!isFarmVerb(verb)) {
      const verbs = Object.keys(VERBS);
      const expected = `${verbs.slice(0, -1).join(', ')} or ${verbs.at(-1)}`;
      throw new BadRequest(`Unknown request verb ${JSON.stringify(verb)}: expected ${expected}.`);
    }
    return callVerb(this.#farm, verb, args, this.#page);
  }
}

/** The events without their log lines, and how many lines each solver slot had in them. */
function withoutLogs(events: readonly FarmEvent[]): { events: FarmEvent[]; lines: Map<number, number> } {
  const kept: FarmEvent[] = [];
  const lines = new Map<number, number>();
  for (const ev of events) {
    if (ev.type === 'log') lines.set(ev.solver, (lines.get(ev.solver) ?? 0) + ev.lines.length);
    else kept.push(ev);
  }
  return { events: kept, lines };
}

/** Check the shape of a request frame; the farm itself validates the arguments' content. */
function parseRequest(text: string): { id: number; verb: string; args: unknown[] } {
  if (text.length > MAX_FRAME_BYTES) throw new BadRequest(`Request of ${text.length} bytes is too large.`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BadRequest('Request is not valid JSON: expected {"id", "verb", "args"}.');
  }
  if (typeof raw !== 'object' || raw === null)
    throw new BadRequest('Request must be a JSON object {"id", "verb", "args"}.');
  const { id, verb, args } = raw as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isInteger(id)) throw new BadRequest('Request "id" must be an integer.');
  if (typeof verb !== 'string') throw new BadRequest('Request "verb" must be a string.');
  if (args !== undefined && !Array.isArray(args)) throw new BadRequest('Request "args" must be an array.');
  return { id, verb, args: (args as unknown[] | undefined) ?? [] };
}

/**
 * How much work one WebSocket client may ask of the server at a time. A page awaits a few
 * calls; a hostile or frozen one could otherwise send hundreds of requests for big pages of
 * results and never read the replies, and the server would build and hold every one of them
 * (300 pages of 12 MB took it to 4.3 GB, and other pages' Status waited behind them). So:
 *
 * - at most MAX_REQUESTS_IN_FLIGHT requests per socket are accepted and not answered yet;
 *   one more is refused at once (`too-many-requests`);
 * - at most MAX_REQUESTS_RUNNING of them run at a time; the others wait their turn, in order;
 * - a waiting request starts only while the socket has less than REPLY_BACKLOG_BYTES unsent:
 *   a client that does not read gets no new work done for it (what it already asked for waits
 *   until it reads, or is dropped with the socket).
 *
 * So one socket costs at most MAX_REQUESTS_RUNNING replies being built plus its unsent bytes,
 * which ws-bridge.ts caps (MAX_BUFFERED_BYTES) by cutting the client off.
 */

/** Requests one socket may have accepted and not answered yet. */
export const MAX_REQUESTS_IN_FLIGHT = 16;
/** Requests of one socket that run at the same time. */
export const MAX_REQUESTS_RUNNING = 4;
/** Unsent bytes above which a socket's waiting requests do not start. */
export const REPLY_BACKLOG_BYTES = 8 * 1024 * 1024;

/** Refusal of a request over MAX_REQUESTS_IN_FLIGHT: the page's to slow down, not the server's to log. */
export class TooManyRequests extends Error {
  override name = 'TooManyRequests';
  readonly code = 'too-many-requests';

  constructor() {
    super(
      `Too many requests in flight on this connection (at most ${MAX_REQUESTS_IN_FLIGHT}): wait for their replies before sending more.`,
    );
  }
}

/** What the gate reads of a socket. */
export interface GatedSocket {
  readonly bufferedAmount: number;
}

/** The admission state of one socket's requests. */
export class RequestGate {
  readonly #socket: GatedSocket;
  #inFlight = 0;
  #running = 0;
  /** Requests waiting for their turn: resolved with true to run, false when the socket is gone. */
  #waiting: ((run: boolean) => void)[] = [];
  #closed = false;

  constructor(socket: GatedSocket) {
    this.#socket = socket;
  }

  /** Requests accepted and not answered yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Runs `work` when its turn comes; resolves with its outcome, or with null when the socket
   * went away before the turn came (the work never ran). Throws TooManyRequests at once when
   * the socket has MAX_REQUESTS_IN_FLIGHT already.
   */
  async run<T>(work: () => Promise<T>): Promise<{ value: T } | null> {
    if (this.#inFlight >= MAX_REQUESTS_IN_FLIGHT) throw new TooManyRequests();
    this.#inFlight++;
    try {
      if (!(await this.#turn())) return null;
      try {
        return { value: await work() };
      } finally {
        this.#running--;
      }
    } finally {
      this.#inFlight--;
      this.wake();
    }
  }

  /**
   * Lets waiting requests start if there is room: call it when the socket may have caught up
   * (a reply was written out) and when a request ended.
   */
  wake(): void {
    while (this.#waiting.length > 0 && this.#mayStart()) {
      this.#running++;
      this.#waiting.shift()?.(true);
    }
  }

  /** The socket is gone: waiting requests never run. */
  close(): void {
    this.#closed = true;
    for (const go of this.#waiting.splice(0)) go(false);
  }

  #mayStart(): boolean {
    return this.#running < MAX_REQUESTS_RUNNING && this.#socket.bufferedAmount < REPLY_BACKLOG_BYTES;
  }

  /** Resolves true once this request may run (counted as running), false if the socket went first. */
  #turn(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    // In order: a newcomer does not overtake requests already waiting.
    if (this.#waiting.length === 0 && this.#mayStart()) {
      this.#running++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

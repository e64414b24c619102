/**
 * Batches a solver's log lines. A synchronous solve never lets a timer fire, so the
 * flush rule is checked on EVERY line: a line that comes ≥ intervalMs after the last
 * flush goes out at once together with what was buffered; lines in between wait for the
 * next such line, the end of the task, or (outside a solve) a short timer.
 * One message per line would cost the parent ~9 µs a line; batching ~0.3 (DESIGN).
 *
 * When the farm falls behind (the channel is congested), lines are held here instead, at
 * most MAX_HELD_LINES of the newest; older ones are counted and owned up to in one line
 * when sending resumes. Sent anyway, they would pile up unbounded in this process during a
 * synchronous solve, and the task's result would wait behind all of them.
 */

/** Default flush interval: about one display frame. */
export const LOG_FLUSH_MS = 16;
/** Lines held back while the channel is congested (a log pane shows 2,000 per core). */
export const MAX_HELD_LINES = 5_000;

/** The line that stands for `n` lines dropped. */
export function droppedLine(n: number): string {
  return `… ${n.toLocaleString('en-US')} log line${n === 1 ? '' : 's'} dropped: the farm fell behind this solver's output`;
}

export class LogCapture {
  readonly #send: (lines: string[]) => void;
  readonly #intervalMs: number;
  readonly #congested: () => boolean;
  #lines: string[] = [];
  #dropped = 0;
  #lastFlush = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(send: (lines: string[]) => void, intervalMs = LOG_FLUSH_MS, congested: () => boolean = () => false) {
    this.#send = send;
    this.#intervalMs = intervalMs;
    this.#congested = congested;
  }

  /** Append a line (a multi-line string becomes several lines). */
  log(line: string): void {
    if (line.includes('\n')) {
      for (const part of line.split('\n')) this.#lines.push(part);
    } else {
      this.#lines.push(line);
    }
    const now = performance.now();
    if (now - this.#lastFlush >= this.#intervalMs) {
      this.flush(now);
    } else if (this.#timer === undefined) {
      // Fires only when the event loop is free, i.e. the lines came from async code.
      this.#timer = setTimeout(() => this.flush(), this.#intervalMs);
      this.#timer.unref();
    }
  }

  /** Lines waiting to be sent. */
  get pending(): number {
    return this.#lines.length;
  }

  /** Lines dropped since the last send (held back past MAX_HELD_LINES). */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Send what is buffered now; while the channel is congested, hold it (trimmed to the
   * newest MAX_HELD_LINES) unless `force` (the process is about to exit: last words go out).
   */
  flush(now = performance.now(), force = false): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    // Only a message sent counts as a flush: the rule bounds messages, not checks.
    if (this.#lines.length === 0 && this.#dropped === 0) return;
    this.#lastFlush = now;
    if (!force && this.#congested()) {
      const excess = this.#lines.length - MAX_HELD_LINES;
      if (excess > 0) {
        this.#lines.splice(0, excess);
        this.#dropped += excess;
      }
      return;
    }
    const lines = this.#lines;
    if (this.#dropped > 0) lines.unshift(droppedLine(this.#dropped));
    this.#lines = [];
    this.#dropped = 0;
    this.#send(lines);
  }
}

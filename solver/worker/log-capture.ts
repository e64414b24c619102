/**
 * Batches a solver's log lines. A synchronous solve never lets a timer fire, so the
 * flush rule is checked on EVERY line: a line that comes ≥ intervalMs after the last
 * flush goes out at once together with what was buffered; lines in between wait for the
 * next such line, the end of the task, or (outside a solve) a short timer.
 * One message per line would cost the parent ~9 µs a line; batching ~0.3 (DESIGN).
 */

/** Default flush interval: about one display frame. */
export const LOG_FLUSH_MS = 16;

export class LogCapture {
  readonly #send: (lines: string[]) => void;
  readonly #intervalMs: number;
  #lines: string[] = [];
  #lastFlush = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(send: (lines: string[]) => void, intervalMs = LOG_FLUSH_MS) {
    this.#send = send;
    this.#intervalMs = intervalMs;
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

  /** Send what is buffered now. */
  flush(now = performance.now()): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    // Only a message sent counts as a flush: the rule bounds messages, not checks.
    if (this.#lines.length === 0) return;
    this.#lastFlush = now;
    const lines = this.#lines;
    this.#lines = [];
    this.#send(lines);
  }
}

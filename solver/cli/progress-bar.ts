/**
 * Progress display for `solver-farm run`.
 * - On a terminal: one line redrawn in place at most 10 times a second (done/failed/total,
 *   percentage, rate, ETA; for step jobs `step k/n` and the best value so far). Lines that
 *   must appear above it (logs, notes) clear the bar, print, and redraw it.
 * - Otherwise (a log file, a pipe, CI): plain lines — one per 10% or every 5 s — and never
 *   a carriage return or escape sequence.
 */
import type { Progress } from '../api.ts';
import { fitWidth, formatClock, formatCount, formatPercent, formatRate, formatValue } from './format.ts';

/** Where the reporter writes: `out` for logs, `err` for progress and notes. */
export interface ReporterStreams {
  out: { write(text: string): unknown; isTTY?: boolean };
  err: { write(text: string): unknown; columns?: number };
}

/** Shows progress and prints lines without garbling it. */
export interface ProgressReporter {
  update(progress: Progress): void;
  /** Print whole lines (no trailing newline needed) to `out` (logs) or `err` (notes). */
  print(lines: readonly string[], to: 'out' | 'err'): void;
  /** Remove the live bar (if any) and stop timers. Idempotent. */
  stop(): void;
}

/** Options of createReporter. */
export interface ReporterOptions {
  streams: ReporterStreams;
  /** Draw a live bar (stderr is a terminal). */
  tty: boolean;
  /** Number of solver processes (step jobs: share of solvers finished with the step). */
  cores: number;
  now?: () => number;
}

const REDRAW_MS = 100;
const PLAIN_EVERY_MS = 5000;

/** A live bar on a terminal, plain lines elsewhere. */
export function createReporter(options: ReporterOptions): ProgressReporter {
  return options.tty ? new BarReporter(options) : new PlainReporter(options);
}

/** Text of a progress line (without the bar), shared by both reporters. */
export function describeProgress(p: Progress, elapsedMs = p.elapsedMs): string {
  const parts: string[] = [];
  if (p.step !== undefined) {
    parts.push(`step ${p.step.k}/${p.step.n}`);
    if (p.best !== undefined) parts.push(`best ${formatValue(p.best)}`);
    if (p.step.working.length > 0) parts.push(`${p.step.working.length} working`);
  } else if (p.total !== null) {
    const finished = p.done + p.failed;
    parts.push(`${formatPercent(finished, p.total)} ${formatCount(finished)}/${formatCount(p.total)}`);
    parts.push(`${formatCount(p.failed)} failed`);
    parts.push(`${formatRate(p.rate)} tasks/s`);
    parts.push(`ETA ${p.etaMs === null ? '--:--' : formatClock(p.etaMs)}`);
  } else {
    parts.push(`${formatCount(p.done)} done`, `${formatCount(p.failed)} failed`, `${formatRate(p.rate)} tasks/s`);
  }
  parts.push(`${formatClock(elapsedMs)} elapsed`);
  return parts.join(' · ');
}

/** Fraction of the run done, 0..1, or null when unknown. */
export function progressFraction(p: Progress, cores: number): number | null {
  if (p.step !== undefined) {
    const { k, n, working } = p.step;
    if (n <= 0) return null;
    const inStep = cores > 0 ? Math.max(0, 1 - working.length / cores) : 0;
    return Math.min(1, Math.max(0, (k - 1 + inStep) / n));
  }
  if (p.total === null) return null;
  if (p.total === 0) return 1;
  return Math.min(1, (p.done + p.failed) / p.total);
}

class BarReporter implements ProgressReporter {
  private readonly streams: ReporterStreams;
  private readonly cores: number;
  private readonly now: () => number;
  private last: Progress | null = null;
  private lastAt = 0;
  private drawnAt = -Infinity;
  private shown = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly tick: NodeJS.Timeout;
  private stopped = false;

  constructor(options: ReporterOptions) {
    this.streams = options.streams;
    this.cores = options.cores;
    this.now = options.now ?? Date.now;
    // Keep elapsed time moving during long steps that send no progress; never keeps the process alive.
    this.tick = setInterval(() => this.drawSoon(), 1000);
    this.tick.unref();
  }

  update(progress: Progress): void {
    if (this.stopped) return;
    this.last = progress;
    this.lastAt = this.now();
    this.drawSoon();
  }

  print(lines: readonly string[], to: 'out' | 'err'): void {
    if (lines.length === 0) return;
    // Log lines redirected to a file do not touch the terminal: leave the bar alone.
    const onTerminal = to === 'err' || this.streams.out.isTTY === true;
    if (onTerminal) this.clear();
    this.streams[to].write(`${lines.join('\n')}\n`);
    if (onTerminal) this.drawSoon();
  }

  /** Draw now if the last draw is ≥ 100 ms old, else once when it is. */
  private drawSoon(): void {
    if (this.stopped) return;
    const wait = this.drawnAt + REDRAW_MS - this.now();
    if (wait <= 0) this.draw();
    else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.draw();
      }, wait);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    clearInterval(this.tick);
    this.clear();
  }

  private clear(): void {
    if (this.shown) this.streams.err.write('\r\x1b[2K');
    this.shown = false;
  }

  private draw(): void {
    if (this.stopped || this.last === null) return;
    const p = this.last;
    // `columns` is 0 or missing on some pseudo-terminals: assume 80 then.
    const columns = this.streams.err.columns;
    const width = Math.max(20, (columns !== undefined && columns > 0 ? columns : 80) - 1);
    const elapsed = p.elapsedMs + (this.now() - this.lastAt);
    const text = describeProgress(p, elapsed);
    const fraction = progressFraction(p, this.cores);
    let line = text;
    if (fraction !== null) {
      const barWidth = Math.max(10, Math.min(30, width - text.length - 3));
      const full = Math.round(fraction * barWidth);
      line = `[${'#'.repeat(full)}${'-'.repeat(barWidth - full)}] ${text}`;
    }
    this.streams.err.write(`\r\x1b[2K${fitWidth(line, width)}`);
    this.shown = true;
    this.drawnAt = this.now();
  }
}

class PlainReporter implements ProgressReporter {
  private readonly streams: ReporterStreams;
  private readonly now: () => number;
  private printedAt: number;
  private decile = 0;
  private lastLine = '';

  constructor(options: ReporterOptions) {
    this.streams = options.streams;
    this.now = options.now ?? Date.now;
    this.printedAt = this.now();
  }

  update(p: Progress): void {
    const now = this.now();
    let due = now - this.printedAt >= PLAIN_EVERY_MS;
    if (p.total !== null && p.total > 0 && p.step === undefined) {
      const decile = Math.floor((10 * (p.done + p.failed)) / p.total);
      if (decile > this.decile) {
        this.decile = decile;
        due = true;
      }
    }
    if (!due) return;
    const line = `progress: ${describeProgress(p)}`;
    // A heartbeat that says nothing new is noise in a log file.
    if (line === this.lastLine) return;
    this.lastLine = line;
    this.printedAt = now;
    this.streams.err.write(`${line}\n`);
  }

  print(lines: readonly string[], to: 'out' | 'err'): void {
    if (lines.length > 0) this.streams[to].write(`${lines.join('\n')}\n`);
  }

  stop(): void {}
}

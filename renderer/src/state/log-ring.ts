/**
 * A fixed-capacity ring of log lines. Once full, each new line overwrites the oldest one,
 * so memory stops growing however long a solver talks (DESIGN 'Events and logs': full logs
 * live on disk, the UI keeps only the tail).
 *
 * Lines are addressed two ways: by position (0 = oldest line still held) for rendering, and
 * by sequence number (counting every line ever pushed) so a scrolled-back view can stay on
 * the same text while older lines fall off the front.
 */
export class LogRing {
  readonly capacity: number;
  private readonly lines: string[];
  /** Optional small integer tag per line (the core of a combined-log line). */
  private readonly tags: Int16Array;
  private head = 0;
  private count = 0;
  private pushed = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0)
      throw new RangeError(`LogRing capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.lines = new Array<string>(capacity).fill('');
    this.tags = new Int16Array(capacity);
  }

  /** Lines currently held. */
  get size(): number {
    return this.count;
  }

  /** Lines pushed since creation or the last clear. */
  get total(): number {
    return this.pushed;
  }

  /** Sequence number of the oldest line held (lines before it were dropped). */
  get firstSeq(): number {
    return this.pushed - this.count;
  }

  /** Appends lines; when more arrive than fit, only the newest `capacity` are kept. */
  push(lines: readonly string[], tag = 0): void {
    const n = lines.length;
    const skip = n > this.capacity ? n - this.capacity : 0;
    for (let i = skip; i < n; i++) {
      const slot = (this.head + this.count) % this.capacity;
      this.lines[slot] = lines[i] ?? '';
      this.tags[slot] = tag;
      if (this.count < this.capacity) this.count++;
      else this.head = (this.head + 1) % this.capacity;
    }
    this.pushed += n;
  }

  /** The line at position `i` (0 = oldest held), or '' when out of range. */
  line(i: number): string {
    if (i < 0 || i >= this.count) return '';
    return this.lines[(this.head + i) % this.capacity] ?? '';
  }

  /** The tag of the line at position `i`. */
  tag(i: number): number {
    if (i < 0 || i >= this.count) return 0;
    return this.tags[(this.head + i) % this.capacity] ?? 0;
  }

  /** Drops every line (the sequence keeps counting, so views can tell lines were removed). */
  clear(): void {
    // Release the strings so the garbage collector can take them.
    this.lines.fill('');
    this.head = 0;
    this.count = 0;
  }

  /** Copies the held lines out, oldest first. */
  toArray(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.line(i);
    return out;
  }
}

/** Small, pure formatting helpers for the CLI's progress and summary lines. */

/** `0:07`, `1:02:03`: a clock-style duration for ETAs and elapsed times. */
export function formatClock(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--:--';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** `840 ms`, `3.21 s`, `2 min 05 s`: a wall time for summaries. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min ${rest} s` : `${m} min ${rest} s`;
}

/** `12`, `1,234`, `12.3k`: a task rate with a sensible number of digits. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0';
  if (perSecond < 10) return perSecond.toFixed(1);
  return Math.round(perSecond).toLocaleString('en-US');
}

/** An integer with thousands separators. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** An objective or tour length: up to 6 significant decimals, no float noise. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US', { useGrouping: false });
  return String(Number(v.toPrecision(10)));
}

/** `45.2%` of done/total; `0.0%` when total is 0. */
export function formatPercent(done: number, total: number): string {
  if (total <= 0) return '100.0%';
  return `${((100 * done) / total).toFixed(1)}%`;
}

/** Cut a line to at most `width` characters so a redrawn terminal line never wraps. */
export function fitWidth(line: string, width: number): string {
  if (width <= 1 || line.length <= width) return line;
  return `${line.slice(0, width - 1)}…`;
}

/**
 * A log line made safe for a terminal or a log file: control characters (CR, ESC, …)
 * are dropped, tabs kept. A stray '\r' or escape sequence would garble the bar and logs.
 */
export function cleanLine(line: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
      out += line.slice(from, i);
      from = i + 1;
    }
  }
  return from === 0 ? line : out + line.slice(from);
}

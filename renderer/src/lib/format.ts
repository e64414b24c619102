/** Formatting for the panel: short, stable widths, plain words. */

/** `1:02:03`, `2:03`, `0:04` from milliseconds. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  const t = Math.floor(ms / 1000);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** `512 KB`, `48.2 MB`. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

// Formatters are built once: toLocaleString builds a new Intl.NumberFormat on every call,
// which showed up in profiles of a busy panel.
const intFormat = new Intl.NumberFormat('en-US');
const fracFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

/** Number with thousands separators; fractional values to 6 decimals at most. */
export function num(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  if (Number.isInteger(n)) return intFormat.format(n);
  return fracFormat.format(Number(n.toPrecision(8)));
}

/** Integer with thousands separators. */
export function int(n: number): string {
  return intFormat.format(n);
}

/** Tasks per second, e.g. `1,234/s` or `0.5/s`. */
export function rate(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '–';
  return r >= 10 ? `${intFormat.format(Math.round(r))}/s` : `${r.toFixed(1)}/s`;
}

/** How long ago an epoch-ms instant was, e.g. `3 s ago`. */
export function ago(at: number | undefined, now: number): string {
  if (at === undefined) return '–';
  const d = Math.max(0, now - at);
  if (d < 1000) return `${d} ms ago`;
  if (d < 60_000) return `${(d / 1000).toFixed(d < 10_000 ? 1 : 0)} s ago`;
  return `${duration(d)} ago`;
}

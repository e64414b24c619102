/**
 * The electronegativity gate (`npm run security:electronegativity`). electronegativity
 * always exits 0, so this script runs it, reads its SARIF output and fails (exit 1) on:
 * - a finding that the allowlist does not list (by check id and file),
 * - an allowlist entry without a real reason, or one that no longer matches any finding
 *   (stale entries would silently allow a future finding),
 * - a file electronegativity could not parse (an unparsed file is an unscanned file).
 *
 * What it scans (a staging copy, so the scan sees exactly these and nothing else):
 * - electron/**.ts — the main process, preload and their security settings, as written;
 * - renderer/index.html with the Content-Security-Policy meta tag the production build adds
 *   (taken from renderer/vite.config.ts's own plugin), i.e. the page's policy as shipped;
 * - electron-session-csp.html: the header policy electron/security.ts puts on every response,
 *   as a meta tag, so electronegativity's CSP evaluator checks that policy too (it cannot read
 *   it from the code, where it is built by a function).
 *
 *   node scripts/electronegativity-gate.ts [--input=DIR] [--allowlist=FILE] [--keep]
 * --input scans DIR as it is instead of the staging copy (tests use it on fixtures).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contentSecurityPolicy } from '../electron/security.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNNER = path.join(import.meta.dirname, 'electronegativity-run.cjs');

/** One entry of the allowlist file. */
export interface AllowedFinding {
  /** electronegativity's check id, e.g. `AUXCLICK_JS_CHECK`. */
  check: string;
  /** File as electronegativity reports it (relative to the scanned folder), e.g. `electron/window.ts`. */
  file: string;
  /** Why this finding is acceptable or a false positive, and what covers the risk instead. */
  reason: string;
}

/** The allowlist file's shape. */
export interface Allowlist {
  /** Checks not run at all, each with its reason. */
  excludedChecks: { check: string; reason: string }[];
  findings: AllowedFinding[];
}

/** One finding, read from electronegativity's SARIF output. */
export interface Finding {
  check: string;
  file: string;
  line: number | null;
  message: string;
}

/** What the gate decided. */
export interface GateReport {
  checks: number;
  findings: Finding[];
  allowed: Finding[];
  unallowed: Finding[];
  /** Allowlist entries that matched no finding. */
  stale: AllowedFinding[];
  /** Allowlist entries whose reason is missing or too short to be one. */
  unreasoned: string[];
  /** Files electronegativity could not parse. */
  parseErrors: { file: string; message: string }[];
  ok: boolean;
}

/** A reason has to say something: at least a sentence's worth of words. */
const MIN_REASON_LENGTH = 40;

/** Read and shape-check the allowlist; throws with the file and the entry that is wrong. */
export function readAllowlist(file: string): Allowlist {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not readable JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  const fail = (where: string, what: string): never => {
    throw new Error(`${file}: ${where}: expected ${what}.`);
  };
  if (typeof doc !== 'object' || doc === null) fail('$', 'an object with excludedChecks and findings');
  const { excludedChecks = [], findings = [] } = doc as Record<string, unknown>;
  if (!Array.isArray(excludedChecks)) fail('$.excludedChecks', 'an array');
  if (!Array.isArray(findings)) fail('$.findings', 'an array');
  (excludedChecks as unknown[]).forEach((entry, i) => {
    const e = entry as Record<string, unknown>;
    if (typeof e?.check !== 'string' || typeof e.reason !== 'string') {
      fail(`$.excludedChecks[${i}]`, '{ "check": string, "reason": string }');
    }
  });
  (findings as unknown[]).forEach((entry, i) => {
    const e = entry as Record<string, unknown>;
    if (typeof e?.check !== 'string' || typeof e.file !== 'string' || typeof e.reason !== 'string') {
      fail(`$.findings[${i}]`, '{ "check": string, "file": string, "reason": string }');
    }
  });
  return { excludedChecks, findings } as Allowlist;
}

/** Findings out of a SARIF 2.1 document written by electronegativity. */
export function findingsFromSarif(sarif: unknown): Finding[] {
  const runs = (sarif as { runs?: { results?: unknown[] }[] }).runs ?? [];
  return runs.flatMap((run) =>
    (run.results ?? []).map((result) => {
      const r = result as {
        ruleId: string;
        message?: { text?: string };
        locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }[];
      };
      const location = r.locations?.[0]?.physicalLocation;
      return {
        check: r.ruleId,
        file: (location?.artifactLocation?.uri ?? '').replaceAll('\\', '/'),
        line: location?.region?.startLine ?? null,
        message: r.message?.text ?? '',
      };
    }),
  );
}

/** Compare findings with the allowlist. */
export function judge(
  findings: Finding[],
  allowlist: Allowlist,
  parseErrors: GateReport['parseErrors'],
  checks: number,
): GateReport {
  const matches = (entry: AllowedFinding, finding: Finding): boolean =>
    entry.check === finding.check && entry.file === finding.file;
  const allowed = findings.filter((finding) => allowlist.findings.some((entry) => matches(entry, finding)));
  const unallowed = findings.filter((finding) => !allowed.includes(finding));
  const stale = allowlist.findings.filter((entry) => !findings.some((finding) => matches(entry, finding)));
  const unreasoned = [
    ...allowlist.excludedChecks.map((e) => ({ name: `excluded check ${e.check}`, reason: e.reason })),
    ...allowlist.findings.map((e) => ({ name: `${e.check} in ${e.file}`, reason: e.reason })),
  ]
    .filter((e) => e.reason.trim().length < MIN_REASON_LENGTH)
    .map((e) => e.name);
  return {
    checks,
    findings,
    allowed,
    unallowed,
    stale,
    unreasoned,
    parseErrors,
    ok: unallowed.length === 0 && stale.length === 0 && unreasoned.length === 0 && parseErrors.length === 0,
  };
}

/** The production build's CSP meta tag, from renderer/vite.config.ts's own plugin. */
async function rendererCspMeta(): Promise<string> {
  const config = (await import('../renderer/vite.config.ts')).default as { plugins?: unknown[] };
  const plugins = (config.plugins ?? []).flat(3) as { name?: string; transformIndexHtml?: unknown }[];
  for (const plugin of plugins) {
    if (typeof plugin?.transformIndexHtml !== 'function') continue;
    const tags = (await (plugin.transformIndexHtml as (html: string) => unknown)('')) as unknown;
    if (!Array.isArray(tags)) continue;
    for (const tag of tags as { tag?: string; attrs?: Record<string, string> }[]) {
      if (tag.tag === 'meta' && tag.attrs?.['http-equiv']?.toLowerCase() === 'content-security-policy') {
        return `<meta http-equiv="Content-Security-Policy" content="${tag.attrs.content}">`;
      }
    }
  }
  throw new Error(
    "renderer/vite.config.ts adds no Content-Security-Policy meta tag to the production page: the desktop page's own policy is missing.",
  );
}

/** Copy what is scanned into a fresh folder (see the file comment). */
async function stage(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'solver-farm-electronegativity-'));
  cpSync(path.join(ROOT, 'electron'), path.join(dir, 'electron'), {
    recursive: true,
    filter: (source) => !source.endsWith('.d.ts'),
  });
  mkdirSync(path.join(dir, 'renderer'));
  const index = readFileSync(path.join(ROOT, 'renderer', 'index.html'), 'utf8');
  writeFileSync(
    path.join(dir, 'renderer', 'index.html'),
    index.replace(/<head>/i, `<head>\n    ${await rendererCspMeta()}`),
  );
  writeFileSync(
    path.join(dir, 'electron-session-csp.html'),
    `<!doctype html>\n<!-- The Content-Security-Policy header electron/security.ts sets on every response. -->\n<html><head><meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}"></head><body></body></html>\n`,
  );
  return dir;
}

/** Run electronegativity on `input` and judge its output against the allowlist. */
export function scan(input: string, allowlist: Allowlist, workDir: string): GateReport {
  const sarifFile = path.join(workDir, 'electronegativity.sarif');
  const errorsFile = path.join(workDir, 'electronegativity-errors.json');
  const electronVersion = (
    JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }
  ).version;
  // electronegativity selects checks by class name (AvailableSecurityFixesGlobalCheck), which is
  // the check id (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK) without underscores, case aside.
  const excluded = allowlist.excludedChecks.map((e) => e.check.replaceAll('_', '').toLowerCase()).join(',');
  const run = spawnSync(process.execPath, [RUNNER, input, sarifFile, errorsFile, electronVersion, excluded], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (run.status !== 0) {
    throw new Error(
      `electronegativity did not finish (${run.error?.message ?? `exit code ${run.status ?? run.signal}`}):\n${run.stderr}`,
    );
  }
  const findings = findingsFromSarif(JSON.parse(readFileSync(sarifFile, 'utf8')));
  const { checks, errors } = JSON.parse(readFileSync(errorsFile, 'utf8')) as {
    checks: number;
    errors: { file: string; message: string; tolerable: boolean }[];
  };
  const parseErrors = errors
    .filter((e) => !e.tolerable)
    .map((e) => ({ file: path.relative(input, e.file), message: e.message }));
  return judge(findings, allowlist, parseErrors, checks);
}

function printReport(report: GateReport): void {
  const where = (f: Finding): string => `${f.file}${f.line === null ? '' : `:${f.line}`}`;
  console.log(
    `electronegativity: ${report.checks} checks, ${report.findings.length} findings, ${report.allowed.length} allowed by the allowlist.`,
  );
  for (const f of report.unallowed) console.log(`  NOT ALLOWED  ${f.check}  ${where(f)}  ${f.message}`);
  for (const e of report.stale) console.log(`  STALE ENTRY  ${e.check}  ${e.file}  (matches no finding: remove it)`);
  for (const name of report.unreasoned) console.log(`  NO REASON    ${name}  (say why it is acceptable)`);
  for (const e of report.parseErrors) console.log(`  NOT PARSED   ${e.file}  ${e.message}`);
  if (report.ok) console.log('electronegativity gate: passed.');
  else {
    console.log(
      'electronegativity gate: FAILED. Fix the code, or add the finding to .electronegativity-allowlist.json with the reason it is safe.',
    );
  }
}

if (import.meta.main) {
  const option = (name: string): string | undefined =>
    process.argv
      .slice(2)
      .find((a) => a.startsWith(`--${name}=`))
      ?.slice(name.length + 3);
  const keep = process.argv.includes('--keep');
  const allowlistFile = path.resolve(option('allowlist') ?? path.join(ROOT, '.electronegativity-allowlist.json'));
  const given = option('input');
  let workDir: string | undefined;
  try {
    const allowlist = readAllowlist(allowlistFile);
    workDir =
      given === undefined ? await stage() : mkdtempSync(path.join(os.tmpdir(), 'solver-farm-electronegativity-'));
    const report = scan(given === undefined ? workDir : path.resolve(given), allowlist, workDir);
    printReport(report);
    if (keep) console.log(`Scanned files and output kept in ${workDir}`);
    process.exitCode = report.ok ? 0 : 1;
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  } finally {
    if (workDir !== undefined && !keep) rmSync(workDir, { recursive: true, force: true });
  }
}

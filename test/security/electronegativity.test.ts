/**
 * The electronegativity gate (scripts/electronegativity-gate.ts): the real scanner on the real
 * sources passes with the committed allowlist, and the same gate fails on an insecure app,
 * on a stale allowlist entry and on an entry without a reason — so a pass means something.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Allowlist, judge, readAllowlist } from '../../scripts/electronegativity-gate.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const GATE = path.join(ROOT, 'scripts', 'electronegativity-gate.ts');
const INSECURE = path.join(import.meta.dirname, 'fixtures', 'insecure-app');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'solver-farm-gate-test-'));

function gate(...args: string[]): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, [GATE, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('electronegativity gate', () => {
  it('passes on electron/ and the shipped CSPs with the committed allowlist, every entry with a reason', () => {
    const { status, out } = gate();
    expect(out).toContain('electronegativity gate: passed.');
    expect(status).toBe(0);
    // The scanner really ran its checks and found what the allowlist explains.
    const summary = /electronegativity: (\d+) checks, (\d+) findings, (\d+) allowed/.exec(out);
    expect(Number(summary?.[1])).toBeGreaterThan(30);
    const allowlist = readAllowlist(path.join(ROOT, '.electronegativity-allowlist.json'));
    expect(Number(summary?.[2])).toBe(allowlist.findings.length);
    for (const entry of [...allowlist.findings, ...allowlist.excludedChecks]) {
      expect(entry.reason.length, `${entry.check}`).toBeGreaterThan(40);
      // A reason that cites a test must cite one that exists.
      for (const cited of entry.reason.match(/\btest\/[\w./-]+\.ts\b/g) ?? []) {
        expect(existsSync(path.join(ROOT, cited)), `${entry.check} cites ${cited}`).toBe(true);
      }
    }
  }, 240_000);

  it('fails on an app without isolation or web security, opening page-supplied URLs, with no navigation or permission limits', () => {
    const empty = path.join(tmp, 'empty-allowlist.json');
    writeFileSync(empty, JSON.stringify({ excludedChecks: [], findings: [] }));
    const { status, out } = gate(`--input=${INSECURE}`, `--allowlist=${empty}`);
    expect(status).toBe(1);
    expect(out).toContain('electronegativity gate: FAILED.');
    for (const check of ['CONTEXT_ISOLATION_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK']) {
      expect(out).toMatch(new RegExp(`NOT ALLOWED\\s+${check}\\s+main\\.js:\\d+`));
    }
    // Whole-app checks that the real sources pass (will-navigate guard, permission handler).
    expect(out).toMatch(/NOT ALLOWED\s+LIMIT_NAVIGATION_GLOBAL_CHECK/);
    expect(out).toMatch(/NOT ALLOWED\s+PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK/);
  }, 240_000);

  it('fails on a stale allowlist entry and on an entry without a reason', () => {
    const finding = { check: 'AUXCLICK_JS_CHECK', file: 'electron/window.ts', line: 22, message: 'middle click' };
    const reason = 'A reason long enough to explain why this finding is acceptable here.';
    const allowlist: Allowlist = {
      excludedChecks: [],
      findings: [
        { check: 'AUXCLICK_JS_CHECK', file: 'electron/window.ts', reason },
        { check: 'SANDBOX_JS_CHECK', file: 'electron/window.ts', reason },
      ],
    };
    const stale = judge([finding], allowlist, [], 40);
    expect(stale.ok).toBe(false);
    expect(stale.stale.map((e) => e.check)).toEqual(['SANDBOX_JS_CHECK']);

    const unreasoned = judge(
      [finding],
      { excludedChecks: [], findings: [{ check: 'AUXCLICK_JS_CHECK', file: 'electron/window.ts', reason: 'ok' }] },
      [],
      40,
    );
    expect(unreasoned.ok).toBe(false);
    expect(unreasoned.unreasoned).toEqual(['AUXCLICK_JS_CHECK in electron/window.ts']);

    const unparsed = judge(
      [finding],
      { excludedChecks: [], findings: [allowlist.findings[0] as never] },
      [{ file: 'electron/x.ts', message: 'Unexpected token' }],
      40,
    );
    expect(unparsed.ok).toBe(false);
    expect(judge([finding], { excludedChecks: [], findings: [allowlist.findings[0] as never] }, [], 40).ok).toBe(true);
  });

  it('refuses an allowlist entry that is not { check, file, reason }, naming the entry', () => {
    const bad = path.join(tmp, 'bad-allowlist.json');
    writeFileSync(bad, JSON.stringify({ excludedChecks: [], findings: [{ check: 'X', file: 'y.ts' }] }));
    expect(() => readAllowlist(bad)).toThrow(
      `${bad}: $.findings[0]: expected { "check": string, "file": string, "reason": string }.`,
    );
    expect(readFileSync(bad, 'utf8')).toContain('"X"');
  });
});

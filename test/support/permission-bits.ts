/**
 * Tests that make a folder read-only (chmod 0o555) need the process under test to respect
 * permission bits. Root ignores them (CAP_DAC_OVERRIDE), and our tests and CI run as root, so
 * under root the process is started through util-linux `setpriv` with those capabilities
 * dropped from its bounding set: it is still root and owns the same files, but a read-only
 * folder now stops it as it stops any user. Not root: no prefix is needed.
 */
import { spawnSync } from 'node:child_process';

const DROP = ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--'];

/**
 * The command prefix that makes a child respect permission bits, or `skip`: why that cannot
 * be arranged here (root without a working setpriv).
 */
export function respectingPermissions(): { prefix: string[]; skip: null } | { prefix: null; skip: string } {
  if (process.getuid?.() !== 0) return { prefix: [], skip: null };
  const probe = spawnSync(DROP[0] as string, [...DROP.slice(1), 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return {
      prefix: null,
      skip: `running as root, which ignores permission bits, and \`setpriv --bounding-set -dac_override\` does not work here (${probe.error?.message ?? probe.stderr.trim()})`,
    };
  }
  return { prefix: DROP, skip: null };
}

/**
 * The desktop app's broker setting: a `--broker=URL` (or `--broker URL`) command-line switch,
 * else the SOLVER_FARM_BROKER environment variable. With one, the Farm shares independent
 * tasks (and barrier steps) with `solver-farm worker` processes attached to that RabbitMQ
 * broker. The URL is checked by the Farm when a run starts (a wrong one fails Start with a
 * message that names the problem and never shows the password).
 */

/** The broker URL the app was started with, or undefined for local cores only. */
export function brokerSetting(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  // The switch wins over the environment: it is the more deliberate of the two.
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === undefined) continue;
    if (arg.startsWith('--broker=')) return nonEmpty(arg.slice('--broker='.length));
    if (arg === '--broker') return nonEmpty(argv[i + 1]);
  }
  return nonEmpty(env.SOLVER_FARM_BROKER);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * The ONE entry of every solver process (Electron utilityProcess and child_process.fork
 * alike). It opens the channel, says `ready`, and hands every command to the loop.
 * Uncaught exceptions and unhandled rejections are reported as fatal `error` messages
 * before the process exits with code 1: a solver never dies silently.
 */
import { openChannel } from './channel.ts';
import { kindNames, loadKind } from './kind-loader.ts';
import { SolverLoop } from './loop.ts';
import { watchParent } from './parent-watch.ts';

const channel = openChannel();
const loop = new SolverLoop({
  channel,
  kinds: { load: loadKind, names: kindNames },
  exit: (code) => process.exit(code),
});

process.on('uncaughtException', (err) => void loop.fatal(err));
process.on('unhandledRejection', (reason) => void loop.fatal(reason));
// The farm went away (crashed or was killed): nobody will read our results. This needs the
// event loop; mid-solve it is the watch thread that ends the process (parent-watch.ts).
process.on('disconnect', () => process.exit(0));
// A terminal's Ctrl-C goes to the whole process group, solvers included. Stopping is the
// farm's decision (first Ctrl-C: let running tasks finish; second: kill), so ignore it here.
process.on('SIGINT', () => {});
// SIGTERM reaches us with the farm when `timeout` or systemd signal the whole group, while
// the farm drains within its grace: finish the running task as on `shutdown`, not die with
// its result. (Alone, it is how utilityProcess.kill() asks; its launcher follows up with SIGKILL.)
process.on('SIGTERM', () => loop.handle({ t: 'shutdown' }));

channel.onMessage((message) => {
  try {
    loop.handle(message);
  } catch (err) {
    void loop.fatal(err);
  }
});
loop.ready();
// After `ready`: creating the thread costs the main thread a few ms the handshake need not wait for.
watchParent();

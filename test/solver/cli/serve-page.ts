/**
 * Test helper: a real `solver-farm serve` child and a WebSocket page on it. Every call has a
 * deadline, so a server that stopped answering (a read that blocks its event loop) fails the
 * test with "no answer to …" instead of hanging it.
 */
import WebSocket from 'ws';
import type { WsServerMessage } from '../../../solver/api.ts';
import { type CliRun, startCli, waitFor } from './run-cli.ts';

/** A page on a served farm. */
export interface ServedPage {
  run: CliRun;
  /** Sends a FarmApi verb; rejects with the server's message, or after `timeoutMs` without an answer. */
  call<T>(verb: string, args?: unknown[], timeoutMs?: number): Promise<T>;
  close(): Promise<unknown>;
}

/** Starts `serve --port 0 --cores 2 …args` in `cwd` (its data folder) and connects a page to it. */
export async function servePage(args: string[], cwd?: string): Promise<ServedPage> {
  const run = startCli(['serve', '--port', '0', '--cores', '2', ...args], cwd);
  await waitFor(() => /serving at http:\/\/\S*token=/.test(run.out.stdout), 60_000, 'the URL');
  const page = new URL(/serving at (\S+)/.exec(run.out.stdout)?.[1] as string);
  const token = new URLSearchParams(page.hash.slice(1)).get('token');
  const ws = new WebSocket(`ws://${page.host}/farm?token=${token}`, { origin: page.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let next = 0;
  const call = <T>(verb: string, callArgs: unknown[] = [], timeoutMs = 10_000) =>
    new Promise<T>((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => {
        ws.off('message', onMessage);
        reject(new Error(`no answer to ${verb} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (data: WebSocket.RawData) => {
        const msg = JSON.parse(String(data)) as WsServerMessage;
        if (msg.type !== 'reply' || msg.id !== id) return;
        clearTimeout(timer);
        ws.off('message', onMessage);
        if (msg.ok) resolve(msg.value as T);
        else reject(new Error(msg.error.message));
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, verb, args: callArgs }));
    });
  const close = async () => {
    ws.close();
    run.child.kill('SIGKILL');
    return run.done;
  };
  return { run, call, close };
}

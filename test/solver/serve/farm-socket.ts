/**
 * Test helper: FarmApi over a real WebSocket to a running `serve`, as the page talks to it,
 * plus the access token read from the URL the server printed.
 */
import WebSocket from 'ws';
import type { FarmEvent, SerializedError, WsServerMessage } from '../../../solver/api.ts';

/** The token in a printed URL, whether it carries it in the fragment or (older) the query. */
export function tokenOf(url: string): string {
  const token = /[#?&]token=([A-Za-z0-9_-]+)/.exec(url)?.[1];
  if (token === undefined) throw new Error(`no token in ${url}`);
  return token;
}

/** A rejected call: the error as the server sent it (name, message, code…). */
export class ReplyError extends Error {
  readonly error: SerializedError;
  constructor(error: SerializedError) {
    super(error.message);
    this.name = error.name;
    this.error = error;
  }
}

export interface FarmSocket {
  ws: WebSocket;
  events: FarmEvent[];
  call<T>(verb: string, ...args: unknown[]): Promise<T>;
  close(): void;
}

/** Connect to `/farm` of the server at `origin` with `token`, as a page of that origin would. */
export async function openFarmSocket(origin: string, token: string): Promise<FarmSocket> {
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/farm?token=${token}`, { origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const events: FarmEvent[] = [];
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as WsServerMessage;
    if (message.type === 'events') {
      events.push(...message.events);
      return;
    }
    const p = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) p?.resolve(message.value);
    else p?.reject(new ReplyError(message.error));
  });
  ws.on('close', () => {
    for (const p of pending.values()) p.reject(new Error('socket closed'));
    pending.clear();
  });
  let nextId = 1;
  return {
    ws,
    events,
    call<T>(verb: string, ...args: unknown[]): Promise<T> {
      const id = nextId++;
      ws.send(JSON.stringify({ id, verb, args }));
      return new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    },
    close: () => ws.close(),
  };
}

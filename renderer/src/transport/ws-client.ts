import type { FarmApi, FarmListener, FarmVerb, WsRequest, WsServerMessage } from '../../../solver/api.ts';
import { farmApiProxy } from './verb-proxy.ts';

/** Connection state of a transport, shown in the toolbar. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'failed';

/** Listener for connection changes: state plus a sentence for the user. */
export type ConnectionListener = (state: ConnectionState, detail: string) => void;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
  verb: FarmVerb;
}

/** Options of {@link WsFarmClient}; the defaults suit a panel on the same machine or LAN. */
export interface WsFarmClientOptions {
  /** First reconnect delay in ms; doubles per failed attempt. */
  minDelayMs?: number;
  /** Longest reconnect delay in ms. */
  maxDelayMs?: number;
  /** A request without a reply after this many ms is rejected. */
  requestTimeoutMs?: number;
}

/**
 * FarmApi over the browser-mode WebSocket (`/farm?token=…`, wire format WsRequest /
 * WsServerMessage in solver/api.ts), as {@link WsFarmClient.api}: every verb is one request
 * (verb-proxy.ts). Reconnects with exponential backoff; requests still waiting when the
 * socket drops are rejected at once with a plain error instead of hanging.
 */
export class WsFarmClient {
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<FarmListener>();
  private readonly connectionListeners = new Set<ConnectionListener>();
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private closedByUser = false;
  private wasOpen = false;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly requestTimeoutMs: number;
  state: ConnectionState = 'connecting';
  detail = 'Connecting to the solver farm…';

  private readonly url: string;
  /** The farm, as the page calls it. */
  readonly api: FarmApi = farmApiProxy(
    (verb, args) => this.request(verb, args),
    (listener) => this.subscribe(listener),
  );

  constructor(url: string, options: WsFarmClientOptions = {}) {
    this.url = url;
    this.minDelayMs = options.minDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 15_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  }

  /** Opens the socket (and keeps it open until {@link close}). */
  connect(): void {
    this.closedByUser = false;
    this.open();
  }

  /** Closes for good: no reconnect, pending requests rejected. */
  close(): void {
    this.closedByUser = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.socket?.close(1000, 'closed by the page');
    this.socket = null;
    this.rejectAll('The connection to the solver farm was closed.');
  }

  /** Follows connection changes; returns an unsubscribe function. */
  onConnection(listener: ConnectionListener): () => void {
    this.connectionListeners.add(listener);
    listener(this.state, this.detail);
    return () => this.connectionListeners.delete(listener);
  }

  private subscribe(listener: FarmListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private setState(state: ConnectionState, detail: string): void {
    this.state = state;
    this.detail = detail;
    for (const l of this.connectionListeners) l(state, detail);
  }

  private open(): void {
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch (e) {
      this.setState('failed', `Cannot open the connection to the solver farm: ${(e as Error).message}`);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.wasOpen = true;
      this.setState('open', 'Connected');
    };
    socket.onmessage = (ev: MessageEvent) => this.receive(ev.data);
    socket.onclose = (ev: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      const why = ev.reason ? `: ${ev.reason}` : '';
      this.rejectAll(
        `The connection to the solver farm was lost (code ${ev.code}${why}) before it answered. Reconnecting; try again once it is back.`,
      );
      if (this.closedByUser) return;
      this.scheduleReconnect(ev);
    };
  }

  private scheduleReconnect(ev: CloseEvent): void {
    const delay = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** this.attempt) * (0.8 + Math.random() * 0.4);
    this.attempt++;
    const seconds = Math.max(1, Math.round(delay / 1000));
    const base =
      ev.code === 1008 || ev.code === 4401 || ev.code === 4403
        ? `The solver farm refused this page (${ev.reason || 'bad token or origin'}). Open the exact URL that 'solver-farm serve' printed.`
        : this.wasOpen
          ? 'Lost the connection to the solver farm.'
          : `Cannot connect to the solver farm at ${new URL(this.url).host}: 'solver-farm serve' is not running there, or it refused this page's access token. Open the URL that 'solver-farm serve' printed (it ends in #token=…).`;
    this.setState('reconnecting', `${base} Retrying in ${seconds} s (attempt ${this.attempt}).`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closedByUser) {
        this.setState('connecting', 'Reconnecting…');
        this.open();
      }
    }, delay);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: WsServerMessage;
    try {
      msg = JSON.parse(data) as WsServerMessage;
    } catch {
      console.error('solver farm: ignoring a frame that is not JSON');
      return;
    }
    if (msg.type === 'events') {
      for (const l of this.listeners) {
        try {
          l(msg.events);
        } catch (e) {
          console.error('solver farm: event listener failed', e);
        }
      }
      return;
    }
    if (msg.type === 'reply') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.value);
      else {
        // The message is what the user reads; the code (e.g. invalid-argument) is for the code that handles it.
        const err = Object.assign(
          new Error(msg.error.message),
          msg.error.code === undefined ? {} : { code: msg.error.code },
        );
        err.name = msg.error.name;
        p.reject(err);
      }
    }
  }

  private request(verb: FarmVerb, args: unknown[]): Promise<unknown> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error(`Not connected to the solver farm, so '${verb}' was not sent. ${this.detail}`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(`The solver farm did not answer '${verb}' within ${Math.round(this.requestTimeoutMs / 1000)} s.`),
        );
      }, this.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer, verb });
      // The union is keyed by verb; the args come from a call typed by FarmApi (verb-proxy.ts).
      const req = { id, verb, args } as unknown as WsRequest;
      socket.send(JSON.stringify(req));
    });
  }

  private rejectAll(message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new Error(`'${p.verb}' failed: ${message}`));
    }
  }
}

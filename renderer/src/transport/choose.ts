import type { FarmApi } from '../../../solver/api.ts';
import { type ConnectionListener, WsFarmClient } from './ws-client.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    farm?: FarmApi;
  }
}

/** The transport the page uses, picked once at start. */
export interface Transport {
  kind: 'electron' | 'websocket';
  api: FarmApi;
  /** Connection changes; Electron's IPC is always 'open'. */
  onConnection(listener: ConnectionListener): () => void;
}

/**
 * Picks the transport once: the Electron preload's `window.farm` when present, otherwise a
 * WebSocket to `/farm` on this page's origin with the `?token=` this page was opened with.
 */
export function chooseTransport(): Transport {
  const preload = window.farm;
  if (preload) {
    return {
      kind: 'electron',
      api: preload,
      onConnection: (l) => {
        l('open', 'Desktop app');
        return () => {};
      },
    };
  }
  const pageUrl = new URL(window.location.href);
  const token = pageUrl.searchParams.get('token');
  const url = new URL('/farm', pageUrl);
  url.protocol = pageUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  if (token) url.searchParams.set('token', token);
  const client = new WsFarmClient(url.href);
  if (!token) {
    return {
      kind: 'websocket',
      api: client,
      onConnection: (l) => {
        l('failed', "This address has no ?token=…. Open the full URL that 'solver-farm serve' printed.");
        return () => {};
      },
    };
  }
  client.connect();
  return { kind: 'websocket', api: client, onConnection: (l) => client.onConnection(l) };
}

import type { FarmApi } from '../../../solver/api.ts';
import { reloadOnNewToken, takePageToken } from './page-token.ts';
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
 * WebSocket to `/farm` on this page's origin, carrying the access token (page-token.ts) in
 * the handshake's query: a request to our own origin only, never a cookie.
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
  const token = takePageToken();
  reloadOnNewToken();
  const pageUrl = new URL(window.location.href);
  const url = new URL('/farm', pageUrl);
  url.protocol = pageUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  if (token) url.searchParams.set('token', token);
  const client = new WsFarmClient(url.href);
  if (!token) {
    return {
      kind: 'websocket',
      api: client.api,
      onConnection: (l) => {
        l(
          'failed',
          "This page has no access token. Open the full URL that 'solver-farm serve' printed (it ends in #token=…).",
        );
        return () => {};
      },
    };
  }
  client.connect();
  return { kind: 'websocket', api: client.api, onConnection: (l) => client.onConnection(l) };
}

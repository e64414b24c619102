/**
 * The WebSocket client's FarmApi (renderer/src/transport/verb-proxy.ts): a generic proxy, so
 * a new verb needs no client code. Each call is one request with its arguments as JSON would
 * carry them; the proxy is not mistaken for a promise or serialised into requests.
 */
import { describe, expect, it } from 'vitest';
import { farmApiProxy } from '../../renderer/src/transport/verb-proxy.ts';
import type { FarmListener } from '../../solver/api.ts';

function proxy() {
  const sent: [string, unknown[]][] = [];
  const listeners: FarmListener[] = [];
  const api = farmApiProxy(
    async (verb, args) => {
      sent.push([verb, args]);
      return `${verb} done`;
    },
    (listener) => {
      listeners.push(listener);
      return () => {};
    },
  );
  return { api, sent, listeners };
}

describe('farmApiProxy', () => {
  it('turns each verb call into one request, without trailing undefined arguments', async () => {
    const { api, sent } = proxy();
    await expect(api.start({ example: 'wyndor-sweep' })).resolves.toBe('start done');
    await api.terminate();
    await api.terminate({ force: true });
    await api.status();
    await api.openRun('20261122-031500-ab12cd', undefined);
    await api.resume('20261122-031500-ab12cd', { retryFailed: true });
    expect(sent).toEqual([
      ['start', [{ example: 'wyndor-sweep' }]],
      ['terminate', []],
      ['terminate', [{ force: true }]],
      ['status', []],
      ['openRun', ['20261122-031500-ab12cd']],
      ['resume', ['20261122-031500-ab12cd', { retryFailed: true }]],
    ]);
  });

  it('subscribes locally, keeps one function per verb, and is no thenable', async () => {
    const { api, sent, listeners } = proxy();
    const listener: FarmListener = () => {};
    api.subscribe(listener);
    expect(listeners).toEqual([listener]);
    expect(api.status).toBe(api.status);
    expect((api as unknown as { then?: unknown }).then).toBeUndefined();
    // Returned from an async function, it is the value itself, not awaited as a promise.
    await expect((async () => api)()).resolves.toBe(api);
    expect(JSON.stringify({ api })).toBe('{"api":{}}');
    expect(String(api)).toBe('[object Object]');
    expect(sent).toEqual([]);
  });
});

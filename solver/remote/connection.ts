/**
 * One AMQP connection with a publisher-confirm channel that comes back by itself: when the
 * broker goes away (restart, network cut), it reconnects with capped exponential backoff and
 * runs `setup` again on the new channel (declare the topology, start consumers). A wrong
 * password or vhost is not retried: those do not fix themselves.
 */
import os from 'node:os';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import amqp from 'amqplib';
import { BrokerError, type BrokerTarget, describeConnectError, parseBrokerUrl } from './broker-url.ts';

/** Reconnect delays: `initialMs · 2^attempt`, capped at `maxMs`, with ±20% jitter. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 250, maxMs: 10_000 };

/** The delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(backoff: Backoff, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(Math.min(backoff.maxMs, base * (0.8 + 0.4 * random())));
}

/** The URL with `?heartbeat=` set unless the user chose one (amqplib takes it from the URL). */
function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (parsed.searchParams.has('heartbeat')) return url;
  return `${url}${parsed.search === '' ? '?' : '&'}heartbeat=${seconds}`;
}

/** Options of {@link BrokerConnection}. */
export interface BrokerConnectionOptions {
  /** Shown in the broker's connection list (`solver-farm worker on host`). */
  name: string;
  backoff?: Backoff;
  /** Socket connect + handshake timeout in ms (default 10 s). */
  connectTimeoutMs?: number;
  /** AMQP heartbeat in seconds (default 10): how fast a dead peer is noticed. */
  heartbeatSec?: number;
  /** Prefetch (unacknowledged deliveries) per consumer on the channel; 0 = unlimited. */
  prefetch?: number;
  /** Called on every (re)connect with the fresh channel: declare queues, start consumers. */
  setup(channel: ConfirmChannel): Promise<void>;
  /** The connection was lost: the channel is dead, unacknowledged deliveries go back to their queues. */
  onDisconnect?(error: Error | undefined): void;
  /** A reconnect attempt is scheduled after `delayMs` (for logs). */
  onRetry?(attempt: number, delayMs: number, error: BrokerError): void;
  /** Reconnecting was given up (wrong credentials after a restart): the connection is closed for good. */
  onFatal?(error: BrokerError): void;
}

/**
 * A self-healing connection. `open()` connects once and fails fast with a clear BrokerError
 * (a user starting a worker wants to know at once that the URL is wrong); losses after that
 * are repaired in the background.
 */
export class BrokerConnection {
  readonly target: BrokerTarget;
  private readonly options: BrokerConnectionOptions;
  private model: ChannelModel | null = null;
  private current: ConfirmChannel | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  /** How many times the connection was re-established after a loss. */
  reconnects = 0;

  constructor(url: string, options: BrokerConnectionOptions) {
    this.target = parseBrokerUrl(url);
    this.options = options;
  }

  /** The live channel, or null while disconnected. */
  get channel(): ConfirmChannel | null {
    return this.current;
  }

  /** Connect and run setup; rejects with a BrokerError if that fails. */
  async open(): Promise<void> {
    await this.connect();
  }

  /** Close for good (no more reconnects). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    const model = this.model;
    this.model = null;
    this.current = null;
    if (model !== null) await model.close().catch(() => {});
  }

  private async connect(): Promise<void> {
    const { target, options } = this;
    let model: ChannelModel;
    try {
      model = await amqp.connect(withHeartbeat(target.url, options.heartbeatSec ?? 10), {
        timeout: options.connectTimeoutMs ?? 10_000,
        clientProperties: { connection_name: `${options.name} (pid ${process.pid} on ${os.hostname()})` },
      });
    } catch (err) {
      throw describeConnectError(err, target);
    }
    if (this.closed) {
      await model.close().catch(() => {});
      return;
    }
    let lost = false;
    const onLost = (error?: Error): void => {
      if (lost) return;
      lost = true;
      if (this.model === model) {
        this.model = null;
        this.current = null;
      }
      if (this.closed) return;
      options.onDisconnect?.(error);
      this.scheduleRetry(error);
    };
    // 'error' always precedes 'close' for a failure; both end this connection.
    model.on('error', (error: Error) => onLost(error));
    model.on('close', (error?: Error) => onLost(error));
    try {
      const channel = await model.createConfirmChannel();
      // A channel-level error (e.g. a queue deleted under a consumer) closes only the channel;
      // treat it like a lost connection so setup runs again on a fresh one.
      channel.on('error', () => {});
      channel.on('close', () => {
        if (!lost && !this.closed) void model.close().catch(() => {});
      });
      if (options.prefetch !== undefined && options.prefetch > 0) await channel.prefetch(options.prefetch);
      this.model = model;
      this.current = channel;
      await options.setup(channel);
      this.attempt = 0;
    } catch (err) {
      // Setup failed: the caller reports or retries; this connection's close must not retry too.
      lost = true;
      if (this.model === model) {
        this.model = null;
        this.current = null;
      }
      await model.close().catch(() => {});
      throw err instanceof BrokerError ? err : describeConnectError(err, target);
    }
  }

  private scheduleRetry(cause: Error | undefined): void {
    if (this.closed || this.retryTimer !== null) return;
    const delay = backoffDelay(this.options.backoff ?? DEFAULT_BACKOFF, this.attempt);
    const attempt = this.attempt++;
    const error =
      cause === undefined
        ? new BrokerError('closed', `lost the connection to the broker at ${this.target.display}`)
        : cause instanceof BrokerError
          ? cause
          : describeConnectError(cause, this.target);
    this.options.onRetry?.(attempt, delay, error);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.closed) return;
      this.connect().then(
        () => {
          this.reconnects++;
        },
        (err: unknown) => {
          const brokerError = err instanceof BrokerError ? err : describeConnectError(err, this.target);
          if (brokerError.code === 'auth' || brokerError.code === 'vhost') {
            this.closed = true;
            this.options.onFatal?.(brokerError);
            return;
          }
          this.scheduleRetry(brokerError);
        },
      );
    }, delay);
  }
}

/**
 * Remote workers through a RabbitMQ broker: the farm's RemoteWorkers port
 * (farm/remote-port.ts), as the shells hand it to the Farm:
 * `new Farm({ launcher, remote: new BrokerWorkers(url, { log }) })`. Each run the farm shares
 * opens its own RemoteDispatcher.
 */
import type { RemoteLink, RemoteRun, RemoteWorkers } from '../farm/remote-port.ts';

/** Options of {@link BrokerWorkers}. */
export interface BrokerWorkersOptions {
  /** Broker news in plain words (lost, reconnecting, worker joined/left). */
  log?(line: string): void;
}

/** `solver-farm worker` processes attached to the broker at `url`. */
export class BrokerWorkers implements RemoteWorkers {
  /** `amqp[s]://user:password@host[:port]/vhost` */
  readonly url: string;
  readonly #log: ((line: string) => void) | undefined;

  constructor(url: string, options: BrokerWorkersOptions = {}) {
    this.url = url;
    this.#log = options.log;
  }

  /** Connect for one run; rejects with a clear BrokerError (a wrong address fails the start). */
  async open(run: RemoteRun): Promise<RemoteLink> {
    // amqplib loads only when a run actually goes to the broker.
    const { RemoteDispatcher } = await import('./remote-dispatcher.ts');
    return RemoteDispatcher.open({ ...run, url: this.url, ...(this.#log === undefined ? {} : { log: this.#log }) });
  }
}

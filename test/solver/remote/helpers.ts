/** Shared set-up of the farm-with-broker suites: one RabbitMQ per suite, farms and workers cleaned up per test. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { FarmEvent } from '../../../solver/api.ts';
import { Farm, type FarmOptions } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { BrokerWorkers } from '../../../solver/remote/broker-workers.ts';
import { startRabbit, type TestBroker } from '../../support/rabbitmq.ts';
import { killAllWorkers } from './harness.ts';

/** A farm opened by {@link brokerFarmSuite}: its events and its broker log lines, as they come. */
export interface OpenedFarm {
  farm: Farm;
  events: FarmEvent[];
  lines: string[];
}

/** What a suite's tests use of {@link brokerFarmSuite}. */
export interface BrokerFarmSuite {
  /** The suite's broker (started in beforeAll). */
  readonly broker: TestBroker;
  /** A farm of one local core on the suite's broker, closed after the test. */
  openFarm(options?: Partial<FarmOptions>): OpenedFarm;
  /** Remembers a farm made otherwise, to close it after the test; returns it. */
  track(farm: Farm): Farm;
}

/**
 * Registers the hooks every farm-with-broker suite needs (call it inside the describe): a broker
 * for the suite; each test's farms closed and workers killed after it; workers and broker gone at the end.
 */
export function brokerFarmSuite(): BrokerFarmSuite {
  let broker: TestBroker | undefined;
  const farms: Farm[] = [];

  beforeAll(async () => {
    broker = await startRabbit();
  }, 90_000);

  afterEach(async () => {
    for (const farm of farms.splice(0)) await farm.close();
    await killAllWorkers();
  });

  afterAll(async () => {
    await killAllWorkers();
    await broker?.dispose();
  }, 60_000);

  const suite: BrokerFarmSuite = {
    get broker(): TestBroker {
      if (!broker) throw new Error('the broker starts in beforeAll: use it inside a test');
      return broker;
    },
    openFarm(options = {}) {
      const lines: string[] = [];
      const farm = suite.track(
        new Farm({
          launcher: new NodeLauncher(),
          cores: 1,
          remote: new BrokerWorkers(suite.broker.url, { log: (line) => lines.push(line) }),
          ...options,
        }),
      );
      const events: FarmEvent[] = [];
      farm.subscribe((batch) => events.push(...batch));
      return { farm, events, lines };
    },
    track(farm) {
      farms.push(farm);
      return farm;
    },
  };
  return suite;
}

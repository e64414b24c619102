/**
 * The desktop broker setting: `--broker=URL` / `--broker URL` on the command line, else
 * SOLVER_FARM_BROKER; and startDesktop hands it to the Farm as its remote workers (FarmOptions.remote).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { brokerSetting } from '../../electron/broker-setting.ts';
import { BrokerWorkers } from '../../solver/remote/broker-workers.ts';
import { fakeState } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electron);
vi.mock('../../solver/farm/farm.ts', async () => {
  class Farm {
    static instances: Farm[] = [];
    readonly options: unknown;
    async close(): Promise<void> {}
    async warm(): Promise<void> {}
    subscribe(): () => void {
      return () => {};
    }
    constructor(options: unknown) {
      this.options = options;
      Farm.instances.push(this);
    }
  }
  return { Farm };
});

const url = 'amqp://farm:secret@broker.example/solvers';

describe('brokerSetting', () => {
  it('reads --broker=URL and --broker URL, the switch winning over the environment', () => {
    expect(brokerSetting(['app', `--broker=${url}`], {})).toBe(url);
    expect(brokerSetting(['app', '--broker', url, 'job.json'], {})).toBe(url);
    expect(brokerSetting(['app', `--broker=${url}`], { SOLVER_FARM_BROKER: 'amqp://other/' })).toBe(url);
  });

  it('falls back to SOLVER_FARM_BROKER, and means local cores only when neither is set or both are empty', () => {
    expect(brokerSetting(['app'], { SOLVER_FARM_BROKER: ` ${url} ` })).toBe(url);
    expect(brokerSetting(['app', 'job.json'], {})).toBeUndefined();
    expect(brokerSetting(['app'], { SOLVER_FARM_BROKER: '' })).toBeUndefined();
    expect(brokerSetting(['app', '--broker='], {})).toBeUndefined();
    // argv[0] is the executable, never a switch.
    expect(brokerSetting([`--broker=${url}`], {})).toBeUndefined();
  });
});

describe('startDesktop with a broker', () => {
  const userData = mkdtempSync(path.join(os.tmpdir(), 'desktop-broker-test-'));
  fakeState.userData = userData;
  const savedEnv = process.env.SOLVER_FARM_BROKER;
  afterAll(() => {
    if (savedEnv === undefined) delete process.env.SOLVER_FARM_BROKER;
    else process.env.SOLVER_FARM_BROKER = savedEnv;
    rmSync(userData, { recursive: true, force: true });
  });

  it('gives the Farm remote workers on the broker from SOLVER_FARM_BROKER', async () => {
    process.env.SOLVER_FARM_BROKER = url;
    const { startDesktop } = await import('../../electron/desktop.ts');
    const { Farm } = (await import('../../solver/farm/farm.ts')) as unknown as {
      Farm: { instances: { options: Record<string, unknown> }[] };
    };
    startDesktop({ bundleDir: '/app/.vite/build', devServerUrl: undefined, rendererName: 'main_window' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(Farm.instances).toHaveLength(1);
    const remote = Farm.instances[0]?.options.remote;
    expect(remote).toBeInstanceOf(BrokerWorkers);
    expect((remote as BrokerWorkers).url).toBe(url);
  });
});

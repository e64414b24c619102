/**
 * The fuses forge.config.ts asks Forge's FusesPlugin to flip in the packaged binary (Electron's
 * security checklist). package-smoke.test.ts checks they end up flipped in a packaged
 * executable; this checks the configuration itself, including that nothing else is set.
 */
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import forgeConfig from '../../forge.config.ts';

describe('forge.config.ts FusesPlugin', () => {
  it('turns off Node-as-a-shell, Node debugging and file:// extra privileges, turns on cookie encryption and asar-only integrity-checked loading', () => {
    const plugins = (forgeConfig.plugins ?? []) as unknown as {
      name?: string;
      fusesConfig?: Record<string, unknown>;
    }[];
    const fuses = plugins.filter((plugin) => plugin.name === 'fuses');
    expect(fuses).toHaveLength(1);
    const config = fuses[0]?.fusesConfig ?? {};
    expect(config).toEqual({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      // The page is served over app:// (electron/app-protocol.ts), so nothing needs file://'s
      // browser-exceeding privileges.
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
  });

  it('packages into an asar (the integrity and asar-only fuses need one)', () => {
    expect(forgeConfig.packagerConfig?.asar).toBeTruthy();
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDataDir, defaultDataDir, resolveDataDir } from './data-dir';

// The same folders Electron's app.getPath('userData') gives for productName "Pipeline Studio".
describe('defaultDataDir', () => {
  it('follows XDG on Linux, with ~/.config as the fallback', () => {
    expect(defaultDataDir({ platform: 'linux', env: {}, homedir: '/home/ada' })).toBe(
      '/home/ada/.config/Pipeline Studio',
    );
    expect(defaultDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/xdg' }, homedir: '/home/ada' })).toBe(
      '/xdg/Pipeline Studio',
    );
    // A relative XDG_CONFIG_HOME is invalid per the spec and ignored.
    expect(appDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: 'rel' }, homedir: '/home/ada' })).toBe(
      '/home/ada/.config',
    );
  });

  it('uses Application Support on macOS', () => {
    expect(defaultDataDir({ platform: 'darwin', env: {}, homedir: '/Users/ada' })).toBe(
      '/Users/ada/Library/Application Support/Pipeline Studio',
    );
  });

  it('uses %APPDATA% on Windows, with Windows separators', () => {
    expect(
      defaultDataDir({
        platform: 'win32',
        env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' },
        homedir: 'C:\\Users\\ada',
      }),
    ).toBe('C:\\Users\\ada\\AppData\\Roaming\\Pipeline Studio');
    expect(defaultDataDir({ platform: 'win32', env: {}, homedir: 'C:\\Users\\ada' })).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Pipeline Studio',
    );
  });
});

describe('resolveDataDir', () => {
  it('prefers an explicit folder (the CLI --data), made absolute', () => {
    expect(resolveDataDir('rel/data')).toBe(path.resolve('rel/data'));
    expect(resolveDataDir('/abs/data')).toBe('/abs/data');
  });

  it('falls back to the default for no or a blank folder', () => {
    const info = { platform: 'linux' as const, env: {}, homedir: '/home/ada' };
    expect(resolveDataDir(undefined, info)).toBe('/home/ada/.config/Pipeline Studio');
    expect(resolveDataDir('  ', info)).toBe('/home/ada/.config/Pipeline Studio');
  });
});

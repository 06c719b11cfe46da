import { describe, expect, it } from 'vitest';
import { isTrustedSender, showsAppOrigin } from './sender-check';

const appOrigin = 'app://studio';
const mainFrame = { url: 'app://studio/index.html' };
const contents = { mainFrame };
const window = { isDestroyed: () => false, webContents: contents };

describe('isTrustedSender', () => {
  it("accepts the app window's main frame on the app origin", () => {
    expect(isTrustedSender({ sender: contents, senderFrame: mainFrame }, window, [appOrigin])).toBe(true);
  });

  it('refuses an iframe of the app window', () => {
    const iframe = { url: 'app://studio/embedded.html' };
    expect(isTrustedSender({ sender: contents, senderFrame: iframe }, window, [appOrigin])).toBe(false);
  });

  it('refuses another webContents, a destroyed window and a missing frame', () => {
    const other = { mainFrame: { url: 'app://studio/' } };
    expect(isTrustedSender({ sender: other, senderFrame: other.mainFrame }, window, [appOrigin])).toBe(false);
    const destroyed = { ...window, isDestroyed: () => true };
    expect(isTrustedSender({ sender: contents, senderFrame: mainFrame }, destroyed, [appOrigin])).toBe(false);
    expect(isTrustedSender({ sender: contents, senderFrame: null }, window, [appOrigin])).toBe(false);
    expect(isTrustedSender({ sender: contents, senderFrame: mainFrame }, null, [appOrigin])).toBe(false);
  });

  it('refuses the main frame after it navigated somewhere else', () => {
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'app://studio.evil/',
      'app://studiox/',
      'not a url',
    ]) {
      const frame = { url };
      const navigated = { ...window, webContents: { mainFrame: frame } };
      expect(isTrustedSender({ sender: navigated.webContents, senderFrame: frame }, navigated, [appOrigin])).toBe(
        false,
      );
    }
  });

  it('accepts the dev server origin only when it is listed', () => {
    const frame = { url: 'http://localhost:5173/' };
    const dev = { ...window, webContents: { mainFrame: frame } };
    const event = { sender: dev.webContents, senderFrame: frame };
    expect(isTrustedSender(event, dev, [appOrigin])).toBe(false);
    expect(isTrustedSender(event, dev, [appOrigin, 'http://localhost:5173'])).toBe(true);
  });
});

describe('showsAppOrigin (before the window is handed the core port)', () => {
  it('accepts a live window whose main frame shows the app, and nothing else', () => {
    expect(showsAppOrigin(window, [appOrigin])).toBe(true);
    expect(showsAppOrigin(null, [appOrigin])).toBe(false);
    expect(showsAppOrigin({ ...window, isDestroyed: () => true }, [appOrigin])).toBe(false);
    for (const url of ['https://evil.example/', 'app://studio.evil/', 'about:blank', 'not a url']) {
      expect(showsAppOrigin({ ...window, webContents: { mainFrame: { url } } }, [appOrigin])).toBe(false);
    }
  });
});

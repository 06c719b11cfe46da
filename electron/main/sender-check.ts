// Kept free of any electron import so that it is tested under plain Node (the Electron binary
// cannot run on the build machines); port-handoff.ts passes Electron's objects in.

export interface FrameLike {
  url: string;
}
export interface SenderEventLike<Contents, Frame extends FrameLike> {
  sender: Contents;
  senderFrame: Frame | null;
}
export interface WindowLike<Contents, Frame> {
  isDestroyed(): boolean;
  webContents: Contents & { mainFrame: Frame };
}

/** The window is alive and its main frame shows one of the app's own origins. */
export function showsAppOrigin<Contents, Frame extends FrameLike>(
  window: WindowLike<Contents, Frame> | null,
  trustedOrigins: readonly string[],
): boolean {
  if (!window || window.isDestroyed()) return false;
  const url = window.webContents.mainFrame.url;
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return false;
  }
  // app:// is not a special scheme for WHATWG URL, so its origin reads "null": compare by prefix.
  return trustedOrigins.some((trusted) => origin === trusted || url.startsWith(`${trusted}/`));
}

/**
 * A message counts only when it comes from the app's own window, from its main frame (not an
 * iframe), showing one of the app's own origins; anything else is refused before the router sees
 * it. The same rule decides whether the window may be handed the core's port (port-handoff.ts).
 */
export function isTrustedSender<Contents, Frame extends FrameLike>(
  event: SenderEventLike<Contents, Frame>,
  window: WindowLike<Contents, Frame> | null,
  trustedOrigins: readonly string[],
): boolean {
  const frame = event.senderFrame;
  if (!window || window.isDestroyed() || !frame) return false;
  if (event.sender !== window.webContents || frame !== window.webContents.mainFrame) return false;
  return showsAppOrigin(window, trustedOrigins);
}

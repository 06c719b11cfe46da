/** The one IPC message the main process sends the preload: the port to the core, transferred with it. */
export const corePortChannel = 'studio:core-port';

/** Main → core process: `{ kind: 'core-port' }`, the other end of that port transferred with it. */
export const corePortMessage = 'core-port';

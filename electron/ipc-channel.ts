/** IPC channel names are `studio:<contract channel>`, e.g. `studio:hooks.list`. */
export const ipcChannelPrefix = 'studio:';

import { contextBridge, ipcRenderer } from 'electron';
import { createClient, type Result, type StudioClient, type Transport } from '../../shared/contract';
import { ipcChannelPrefix } from '../ipc-channel';

// The only surface the renderer gets: one named method per contract channel. There is no generic
// invoke(channel, …): the channel of each method is fixed here, and the main side refuses any
// channel the contract does not declare.
const transport: Transport = (channel, input) =>
  ipcRenderer.invoke(`${ipcChannelPrefix}${channel}`, input) as Promise<Result<unknown>>;

const client = createClient(transport) satisfies StudioClient;
contextBridge.exposeInMainWorld('studio', client);

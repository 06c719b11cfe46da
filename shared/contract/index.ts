export * from './channels';
export * from './result';
export { createClient, type StudioClient, type Transport } from './client';

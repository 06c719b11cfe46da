export * from './channels';
export * from './events';
export * from './result';
export { createClient, type Listen, type StudioClient, type Transport } from './client';

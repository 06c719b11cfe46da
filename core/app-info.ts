import type { ChannelOutput } from '../shared/contract';
import { version } from './version';

export type StudioHost = ChannelOutput<'app.info'>['host'];

export function appInfo(host: StudioHost): ChannelOutput<'app.info'> {
  return { name: 'Pipeline Studio', version, host, platform: process.platform };
}

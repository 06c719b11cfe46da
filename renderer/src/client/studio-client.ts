import {
  contractEvents,
  createClient,
  eventNames,
  type ChannelName,
  type PushedEvent,
  type Result,
  type StudioClient,
  type Transport,
} from '@shared/contract';
import { serverSentEvents } from './server-sent-events';

declare global {
  interface Window {
    /** Set by the desktop app's preload: the contract's client over its MessagePort. Absent in web mode. */
    studio?: StudioClient;
  }
}

/**
 * Web mode: the page lives under `/s/<token>/`, so a relative `rpc/<channel>` URL carries the
 * launch token; nothing is kept in a cookie that another local site could ride.
 */
const httpTransport: Transport = async (channel: ChannelName, input: unknown): Promise<Result<unknown>> => {
  let response: Response;
  try {
    response = await fetch(new URL(`rpc/${channel}`, document.baseURI), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
  } catch {
    return { ok: false, error: { code: 'UNAVAILABLE', message: 'The studio is not reachable. Is it still running?' } };
  }
  if (response.status === 401 || response.status === 403) {
    return {
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'This page is not allowed to talk to the studio (token or address).' },
    };
  }
  if (!response.ok) {
    return { ok: false, error: { code: 'INTERNAL', message: `The studio answered ${response.status}.` } };
  }
  return (await response.json()) as Result<unknown>;
};

/** Web mode's pushed events, on the same token-scoped path; payloads are checked against the contract. */
const webEvents = serverSentEvents({
  url: new URL('events', document.baseURI).href,
  names: eventNames,
  parse: (name, payload) => {
    const parsed = contractEvents[name].payload.safeParse(payload);
    return parsed.success ? ({ name, payload: parsed.data } as PushedEvent) : null;
  },
});

export const studio: StudioClient = window.studio ?? createClient(httpTransport, webEvents);

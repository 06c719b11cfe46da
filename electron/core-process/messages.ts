import type { Result } from '../../shared/contract';

/** Main → core: one contract call. The core's router validates channel and input itself. */
export interface CoreRequest {
  id: number;
  channel: string;
  input: unknown;
}

/** Core → main: the router's answer to request `id`. */
export interface CoreResponse {
  id: number;
  result: Result<unknown>;
}

export function isCoreRequest(value: unknown): value is CoreRequest {
  const candidate = value as Partial<CoreRequest> | null;
  return typeof candidate?.id === 'number' && typeof candidate.channel === 'string';
}

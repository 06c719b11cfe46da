import { z } from 'zod';

/** Codes every channel may answer with, besides its own. */
export const commonErrorCodes = ['INVALID_INPUT', 'INTERNAL', 'UNAVAILABLE'] as const;

export interface ContractErrorShape {
  code: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractErrorShape };

export const errorShapeSchema = z.object({ code: z.string(), message: z.string() });

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: errorShapeSchema }),
  ]);
}

/** Thrown by a handler to answer with one of its channel's declared error codes. */
export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

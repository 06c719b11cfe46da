import type { z } from 'zod';

export interface ChannelSpec {
  input: z.ZodType;
  output: z.ZodType;
  /** The channel's own error codes; the common ones (INVALID_INPUT, INTERNAL…) come on top. */
  errors: readonly string[];
  description: string;
}

import type { z } from 'zod';
import {
  contract,
  isChannelName,
  type ChannelInput,
  type ChannelName,
  type ChannelOutput,
  type Result,
} from '../shared/contract';
import { contractAnswer } from './contract-errors';

export type Handler<C extends ChannelName> = (
  input: z.output<(typeof contract)[C]['input']>,
) => Promise<ChannelOutput<C>> | ChannelOutput<C>;

export type Handlers = { [C in ChannelName]: Handler<C> };

export interface Router {
  /** Validates the input, runs the channel's handler and validates what it returns. Never throws. */
  dispatch(channel: string, input: unknown): Promise<Result<unknown>>;
}

export interface RouterOptions {
  /** Where unexpected failures are reported; the caller gets only a generic INTERNAL message. */
  onInternalError?: (channel: string, error: unknown) => void;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('; ');
}

/** The one router of the core side: the Electron IPC handlers and the web host both call it. */
export function createRouter(handlers: Handlers, options: RouterOptions = {}): Router {
  const fail = (code: string, message: string): Result<never> => ({ ok: false, error: { code, message } });
  return {
    async dispatch(channel, rawInput) {
      if (!isChannelName(channel)) return fail('INVALID_INPUT', `unknown channel ${JSON.stringify(channel)}`);
      const spec = contract[channel];
      const input = spec.input.safeParse(rawInput);
      if (!input.success) return fail('INVALID_INPUT', describeIssues(input.error));
      let value: unknown;
      try {
        value = await (handlers[channel] as (input: unknown) => unknown)(input.data);
      } catch (error) {
        // The one translation of a failure: the store's, the keychain's and the handlers' own
        // errors take the channel's declared code or a common one (core/contract-errors.ts).
        const answer = contractAnswer(error, spec.errors);
        if (answer) return fail(answer.code, answer.message);
        options.onInternalError?.(channel, error);
        return fail('INTERNAL', `${channel} failed unexpectedly; the details are in the studio's log`);
      }
      const output = spec.output.safeParse(value);
      if (!output.success) {
        options.onInternalError?.(channel, new Error(`invalid output: ${describeIssues(output.error)}`));
        return fail('INTERNAL', `${channel} produced an invalid answer; the details are in the studio's log`);
      }
      return { ok: true, value: output.data };
    },
  };
}

export type { ChannelInput };

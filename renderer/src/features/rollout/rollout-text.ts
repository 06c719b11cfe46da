// Pure helpers of the rollout screens: the start form's validation, what a rollout's state, rates
// and outcomes are called on screen. No React, no client: unit-tested in rollout-text.test.ts.

import type { ChannelInput, ChannelOutput } from '@shared/contract';

export type RolloutView = NonNullable<ChannelOutput<'rollouts.status'>['rollout']>;
export type RolloutDifference = ChannelOutput<'rollouts.differences'>['differences'][number];
export type SideStats = RolloutView['stats']['active'];
/** What publish.start's `rollout` asks for (shared/contract/rollout-request.ts). */
export type RolloutRequest = NonNullable<ChannelInput<'publish.start'>['rollout']>;

/** The rollout part of the publish form, as typed (strings until validated). */
export interface RolloutFormValues {
  mode: RolloutRequest['mode'];
  percent: string;
  stickyBy: NonNullable<RolloutRequest['stickyBy']>;
  /** Percent, e.g. "5" for 5 %. */
  maxErrorRate: string;
  /** Empty: the hook's deadline. */
  maxP99Ms: string;
  minSamples: string;
}

export const defaultRolloutForm: RolloutFormValues = {
  mode: 'canary',
  percent: '10',
  stickyBy: 'user.id',
  maxErrorRate: '5',
  maxP99Ms: '',
  minSamples: '50',
};

export type RolloutField = 'percent' | 'maxErrorRate' | 'maxP99Ms' | 'minSamples';

// Digits only (a decimal point where a fraction makes sense): "1e3", "0x10", "-5" and " " are
// refused rather than read as something nobody typed.
const wholeNumber = /^\d{1,9}$/;
const decimalNumber = /^\d{1,9}(\.\d{1,6})?$/;

/** A share of 1–100 as typed, or the problem with it. */
export function parsePercent(text: string): { percent: number } | { problem: string } {
  const trimmed = text.trim();
  if (!wholeNumber.test(trimmed)) return { problem: 'A whole number from 1 to 100.' };
  const percent = Number(trimmed);
  if (percent < 1 || percent > 100) return { problem: 'A whole number from 1 to 100.' };
  return { percent };
}

/** The request publish.start sends, or each field's problem. */
export function toRolloutRequest(
  values: RolloutFormValues,
): { request: RolloutRequest } | { problems: Partial<Record<RolloutField, string>> } {
  const problems: Partial<Record<RolloutField, string>> = {};
  const share = parsePercent(values.percent);
  if ('problem' in share) problems.percent = share.problem;

  const rateText = values.maxErrorRate.trim();
  const rate = Number(rateText);
  if (!decimalNumber.test(rateText) || rate > 100) problems.maxErrorRate = 'A percentage from 0 to 100.';

  const p99Text = values.maxP99Ms.trim();
  const p99 = Number(p99Text);
  if (p99Text !== '' && (!decimalNumber.test(p99Text) || p99 <= 0 || p99 > 600_000)) {
    problems.maxP99Ms = 'Milliseconds above 0 and at most 600000, or empty for the hook’s deadline.';
  }

  const samplesText = values.minSamples.trim();
  const samples = Number(samplesText);
  if (!wholeNumber.test(samplesText) || samples < 1 || samples > 1_000_000) {
    problems.minSamples = 'A whole number from 1 to 1000000.';
  }

  if (Object.keys(problems).length > 0 || 'problem' in share) return { problems };
  return {
    request: {
      mode: values.mode,
      percent: share.percent,
      // Only a canary splits users; a shadow run picks invocations, not people.
      ...(values.mode === 'canary' ? { stickyBy: values.stickyBy } : {}),
      guard: {
        // Rounded so that 5.1 % is 0.051, not 0.050999999999999997.
        maxErrorRate: Math.round(rate * 10_000) / 1_000_000,
        ...(p99Text === '' ? {} : { maxP99Ms: p99 }),
        minSamples: samples,
      },
    },
  };
}

const stateLabels: Record<RolloutView['state'], string> = {
  running: 'running',
  promoted: 'promoted',
  aborted: 'aborted',
  'rolled-back': 'rolled back',
};

export function stateLabel(state: RolloutView['state']): string {
  return stateLabels[state];
}

export function modeLabel(mode: RolloutView['mode']): string {
  return mode === 'canary' ? 'Canary' : 'Shadow';
}

/** "4.0 %" of runs that failed, or "—" before the first run. */
export function errorRateText(side: SideStats): string {
  if (side.n === 0) return '—';
  return `${((side.errors / side.n) * 100).toFixed(1)} %`;
}

/** What the share means in this mode, in one sentence. */
export function shareText(rollout: Pick<RolloutView, 'mode' | 'percent' | 'stickyBy'>): string {
  return rollout.mode === 'canary'
    ? `The candidate decides for ${rollout.percent} % of users (sticky by ${rollout.stickyBy}).`
    : `The candidate runs beside ${rollout.percent} % of invocations and never answers.`;
}

/** The guard's limits in one line. */
export function guardText(guard: RolloutView['guard']): string {
  const p99 = guard.maxP99Ms === null ? 'the hook’s deadline' : `${guard.maxP99Ms} ms`;
  return `Rolls back above ${(guard.maxErrorRate * 100).toFixed(1)} % errors or a p99 above ${p99}, once the candidate has ${guard.minSamples} runs.`;
}

/** Why Promote, Abort and Apply cannot be used, or null while the rollout runs. */
export function steeringBlocker(rollout: RolloutView | null): string | null {
  if (!rollout) return 'No rollout on this environment.';
  if (rollout.state === 'running') return null;
  return `The rollout is ${stateLabel(rollout.state)}: nothing left to steer.`;
}

/** "12 differences: 3 allow → deny, 1 deny → allow, 0 reason, 2 data". */
export function differencesText(differences: RolloutView['stats']['differences']): string {
  const noun = differences.n === 1 ? 'difference' : 'differences';
  return `${differences.n} ${noun}: ${differences.allowToDeny} allow → deny, ${differences.denyToAllow} deny → allow, ${differences.reasonChanged} reason, ${differences.dataChanged} data`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One side's outcome of a difference in words ("allow", "deny "blocked range"", "error TIMEOUT").
 * The runtime sends it as it kept it, so nothing about its shape is taken for granted.
 */
export function differenceOutcomeText(outcome: unknown): string {
  if (!isRecord(outcome)) return outcome === undefined ? 'none' : String(outcome).slice(0, 120);
  const error = outcome.error;
  if (error !== undefined && error !== null) {
    const code = isRecord(error) && typeof error.code === 'string' ? error.code : String(error);
    return `error ${code}`.slice(0, 120);
  }
  if (outcome.allow === false) {
    return typeof outcome.reason === 'string' ? `deny "${outcome.reason.slice(0, 100)}"` : 'deny';
  }
  if (outcome.allow === true) return 'allow';
  if (outcome.data !== undefined) return 'data';
  return 'accepted';
}

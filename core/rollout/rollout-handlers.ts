import { ContractError, type ChannelInput, type ChannelOutput } from '../../shared/contract';
import { publishAuthor } from '../publish/publish-rules';
import { rolloutRecordMessage } from '../publish/publish-steps';
import type { ConnectRuntime } from '../publish/runtime-connection';
import type { Handlers } from '../router';
import type { Workspace } from '../store';
import type { RolloutWatches } from './rollout-watches';
import type { TailSessions } from './tail-sessions';

// The channels of a running rollout and of the live tail (shared/contract/rollout-channels.ts,
// docs/publish.md "Rollouts" and "Live tail"). A rollout is started by a publish job (publish.start
// with `rollout`), so that it passes the publish's gates; these follow and steer it. Production's
// share and promotion need its name typed, as a publish does; aborting does not (it only ever puts
// every user back on the version that was active). A promotion is recorded in the workspace's
// history, like a publish, and moves the hash drift is measured against.

type RolloutChannel =
  | 'rollouts.status'
  | 'rollouts.watch'
  | 'rollouts.unwatch'
  | 'rollouts.setPercent'
  | 'rollouts.promote'
  | 'rollouts.abort'
  | 'rollouts.differences'
  | 'runtime.trace'
  | 'tail.start'
  | 'tail.stop';

export interface RolloutHandlerDeps {
  connect: ConnectRuntime;
  workspace(): Workspace;
  watches: Pick<RolloutWatches, 'watch' | 'unwatch'>;
  tails: Pick<TailSessions, 'start' | 'stop'>;
}

export function rolloutHandlers(deps: RolloutHandlerDeps): Pick<Handlers, RolloutChannel> {
  const client = (environment: string) => deps.connect(environment).client;
  return {
    'rollouts.status': async ({ environment }) => ({ rollout: await client(environment).currentRollout() }),
    'rollouts.watch': ({ environment }) => deps.watches.watch(environment),
    'rollouts.unwatch': ({ environment }) => deps.watches.unwatch(environment),
    'rollouts.setPercent': async ({ environment, percent, confirm }) => {
      const runtime = client(environment);
      confirmProduction(environment, confirm, `change the share of a rollout on production`);
      return { rollout: await runtime.setRolloutPercent(percent) };
    },
    'rollouts.promote': (input) => promote(deps, input),
    'rollouts.abort': async ({ environment }) => ({
      rollout: await client(environment).abortRollout(),
    }),
    'rollouts.differences': async ({ environment, limit }) => ({
      differences: await client(environment).rolloutDifferences(limit),
    }),
    'runtime.trace': ({ environment, traceId }) => client(environment).trace(traceId),
    'tail.start': ({ environment, filter }) => deps.tails.start(environment, filter),
    'tail.stop': ({ tailId }) => deps.tails.stop(tailId),
  };
}

async function promote(
  deps: RolloutHandlerDeps,
  input: ChannelInput<'rollouts.promote'>,
): Promise<ChannelOutput<'rollouts.promote'>> {
  const name = input.environment;
  const { client } = deps.connect(name);
  confirmProduction(name, input.confirm, 'promote a rollout on production');
  const rollout = await client.promoteRollout();
  deps.workspace().publishes.record({
    environment: name,
    hash: rollout.candidateHash,
    author: publishAuthor(),
    message: rolloutRecordMessage(
      `rollout ${rollout.id} promoted: version ${rollout.candidateVersion} is active`,
      rollout.message,
    ),
  });
  return { rollout, version: rollout.candidateVersion, hash: rollout.candidateHash };
}

function confirmProduction(environment: string, confirm: string | undefined, action: string): void {
  if (environment === 'production' && confirm !== environment) {
    throw new ContractError(
      'CONFIRMATION_REQUIRED',
      `To ${action}, confirm by typing the environment's name ("production").`,
    );
  }
}

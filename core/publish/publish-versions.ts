import { ContractError, type ChannelInput, type ChannelOutput } from '../../shared/contract';
import type { Workspace } from '../store';
import { publishAuthor, requireConfirmation } from './publish-rules';
import { RuntimeRequestError } from './runtime-client';
import type { ConnectRuntime } from './runtime-connection';

// The runtime's version history (publish.history) and rollback to one of its versions
// (publish.rollback). A rollback this workspace made is recorded in its publishes table, which
// also moves lastPublishedHash, so drift is measured against what it activated.

export interface PublishVersionsDeps {
  connect: ConnectRuntime;
  workspace(): Workspace;
}

export async function publishHistory(
  deps: PublishVersionsDeps,
  name: string,
): Promise<ChannelOutput<'publish.history'>> {
  const { client } = deps.connect(name);
  const history = await client.history();
  const versions = history.versions.map((entry) => ({
    version: entry.version,
    hash: entry.hash,
    publishedAt: entry.publishedAt,
    publishedBy: entry.author,
    message: entry.message,
    ...kindOf(entry.kind),
  }));
  let active: { version: number; hash: string } | null = null;
  if (history.active !== null) {
    const found = versions.find((entry) => entry.version === history.active);
    const hash = found?.hash ?? (await client.activeBundle())?.hash;
    if (hash !== undefined) active = { version: history.active, hash };
  }
  return { active, versions };
}

export async function rollback(
  deps: PublishVersionsDeps,
  input: ChannelInput<'publish.rollback'>,
): Promise<ChannelOutput<'publish.rollback'>> {
  const name = input.environment;
  const { environment, client } = deps.connect(name);
  requireConfirmation(name, input.confirm, 'roll back');
  let answer;
  try {
    answer = await client.rollback({ version: input.version, author: publishAuthor() });
  } catch (error) {
    if (error instanceof RuntimeRequestError && error.status === 404) {
      throw new ContractError('VERSION_NOT_FOUND', `The runtime of ${name} has no version ${input.version}.`);
    }
    if (error instanceof RuntimeRequestError && error.runtimeCode === 'SECRETS_MISSING') {
      throw new ContractError(
        'RUNTIME_REFUSED',
        `${error.message} (push them with a publish, or set them on the runtime)`,
      );
    }
    throw error;
  }
  if (answer.changed || environment.lastPublishedHash !== answer.hash) {
    deps.workspace().publishes.record({
      environment: name,
      hash: answer.hash,
      author: publishAuthor(),
      message: `rollback to version ${input.version}`,
    });
  }
  return { version: answer.version, hash: answer.hash };
}

/** A runtime older than rollouts sends no kind; an unknown one is left out rather than refused. */
function kindOf(kind: string | undefined): { kind?: 'publish' | 'rollback' | 'rollout' } {
  return kind === 'publish' || kind === 'rollback' || kind === 'rollout' ? { kind } : {};
}

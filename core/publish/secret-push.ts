import type { ChannelOutput } from '../../shared/contract';
import type { Bundle, SecretProvider } from '../../shared/engine';
import { PublishStop } from './publish-rules';
import type { RuntimeClient } from './runtime-client';
import { runtimeSecretNames } from './runtime-connection';

// A publish's secrets step: with "push secrets", each declared secret this workspace's keychain
// has a value for goes straight from the keychain into PUT /v1/secrets (never kept, logged or put
// in a message); then every declared name must be set on the runtime (SECRETS_MISSING), unless the
// token may not list them, and the runtime checks them itself on publish.

type StepStatus = ChannelOutput<'publish.progress'>['steps'][number]['status'];

export async function secretsStep(
  work: { client: RuntimeClient; bundle: Bundle; pushSecrets: boolean; environment: string },
  keychain: () => SecretProvider,
  set: (status: StepStatus, detail?: string) => void,
): Promise<void> {
  const declared = work.bundle.secrets;
  const name = work.environment;
  if (declared.length === 0) {
    set('pass', 'the pipeline declares no secret');
    return;
  }
  let pushed = 0;
  /** Declared names this machine's keychain has no value for (known only when pushing). */
  const notLocal = new Set<string>();
  if (work.pushSecrets) {
    const provider = keychain();
    for (const secret of declared) {
      const value = await provider.get(secret);
      if (value !== undefined) {
        await work.client.setSecret(secret, value);
        pushed += 1;
      } else notLocal.add(secret);
    }
  }
  const present = await runtimeSecretNames(work.client);
  if (present === null) {
    set(
      'skipped',
      "the token may not list the runtime's secrets (no secrets:write scope): the runtime checks them on publish",
    );
    return;
  }
  const missing = declared.filter((secret) => !present.has(secret));
  if (missing.length > 0) {
    // After a push, advising to push again is no help: say which names this machine lacks too.
    const unpushable = missing.filter((secret) => notLocal.has(secret));
    const advice =
      unpushable.length > 0
        ? `This machine's keychain has no value for ${unpushable.join(', ')} either: set them in this workspace's ${name} secrets (or remove the names the pipeline no longer needs), or set them on the runtime.`
        : `Set them in this workspace's ${name} secrets and publish with "push secrets", or set them on the runtime.`;
    throw new PublishStop(
      'SECRETS_MISSING',
      `The runtime of ${name} has no value for: ${missing.join(', ')}. ${advice}`,
    );
  }
  set('pass', `${declared.length} declared, all set${pushed > 0 ? ` (${pushed} pushed from this workspace)` : ''}`);
}

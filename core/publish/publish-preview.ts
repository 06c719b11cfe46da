import type { ChannelOutput } from '../../shared/contract';
import type { Bundle } from '../../shared/engine';
import { bundleHash } from '../../shared/engine/node/bundle-files';
import type { SecretStore } from '../secrets';
import type { Environment, Workspace } from '../store';
import { diffBundles } from './bundle-diff';
import { impactGate, secretsGate, suiteGatePreview, validGate, type Gate, type ImpactReview } from './gates';
import { runtimeSecretNames, type ConnectRuntime } from './runtime-connection';

// publish.preview: what a publish would change on an environment's runtime (the diff against its
// active bundle), whether the runtime runs what this workspace published last (drift), and the
// gates as far as they can be judged without publishing (core/publish/gates.ts).

type Preview = ChannelOutput<'publish.preview'>;

export interface PublishPreviewDeps {
  connect: ConnectRuntime;
  workspace(): Workspace;
  secrets(): SecretStore;
  /** The latest impact of this bundle on the environment, for the impact gate (core/impact). */
  impactReview(environment: string, hash: string): ImpactReview | null;
}

/** `bundle`: another bundle than the workspace's (the CLI's `publish <bundle-dir>`). */
export async function previewPublish(deps: PublishPreviewDeps, name: string, bundle?: Bundle): Promise<Preview> {
  const { environment, client } = deps.connect(name);
  const workspace = deps.workspace();
  const local = bundle ?? workspace.exportBundle();
  const remote = await client.activeBundle();
  const runtimeSecrets = await runtimeSecretNames(client);
  const store = deps.secrets();
  const inKeychain = new Set(local.secrets.filter((secret) => store.has(name, secret)));
  const gates: Gate[] = [
    await validGate(local),
    secretsGate(local.secrets, runtimeSecrets, inKeychain),
    suiteGatePreview(workspace.events.count({ pinned: true })),
    impactGate(name, deps.impactReview(name, bundleHash(local))),
  ];
  return {
    environment: name,
    runtimeUrl: client.url,
    local: { hash: bundleHash(local), scripts: Object.keys(local.scripts).length },
    remote: remote
      ? {
          hash: remote.hash,
          version: remote.version,
          publishedAt: remote.publishedAt,
          publishedBy: remote.publishedBy,
        }
      : null,
    drift: drift(environment, remote),
    diff: diffBundles(remote?.bundle ?? null, local),
    gates,
  };
}

/** Drift is measured against what this workspace published last (its lastPublishedHash). */
function drift(environment: Environment, remote: { hash: string; version: number; publishedBy: string } | null) {
  const last = environment.lastPublishedHash;
  if (remote === null) {
    return last === undefined
      ? { detected: false }
      : {
          detected: true,
          message: `This workspace published ${last.slice(0, 12)} to ${environment.name}, but its runtime has no active bundle now (was its data reset?).`,
        };
  }
  if (remote.hash === last) return { detected: false };
  return {
    detected: true,
    message:
      last === undefined
        ? `Version ${remote.version} on ${environment.name} was published by ${remote.publishedBy} from outside this workspace, which has never published there.`
        : `The runtime of ${environment.name} runs version ${remote.version} (${remote.hash.slice(0, 12)}, by ${remote.publishedBy}), not ${last.slice(0, 12)} that this workspace published last: someone published from elsewhere.`,
  };
}

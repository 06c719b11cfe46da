import { buildNode } from './build-node.mjs';

// Worker threads, the CLI and the web host run from dist/node (plain JS): build it once before the
// unit tests so they exercise the same files `npm start` and the CLI run.
export default async function setup(): Promise<void> {
  await buildNode();
}

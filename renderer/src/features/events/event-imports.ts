import { studio } from '../../client/studio-client';
import { ImportStore } from './import-store';

/**
 * The window's one import store: the drop target and the Events view both use it. Each file's
 * importId names the core's import.progress events for it (shared/contract/events.ts).
 */
export const eventImports = new ImportStore((text, fileName, importId) =>
  studio.events.import({ text, fileName, importId }),
);

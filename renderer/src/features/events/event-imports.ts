import { studio } from '../../client/studio-client';
import { ImportStore } from './import-store';

/** The window's one import store: the drop target and the Events view both use it. */
export const eventImports = new ImportStore((text, fileName) => studio.events.import({ text, fileName }));

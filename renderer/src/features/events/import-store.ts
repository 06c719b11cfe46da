import type { EventPayload, Result } from '@shared/contract';
import { importFileProblem, type ImportResult } from './import-summary';

// The imports of event files: started from the Events view's button or by dropping files anywhere
// on the window (even on another view), and shown by the Events view. A small store outside React
// so both places share it and the view can show an import that finished while it was not mounted.

export interface FileLike {
  name: string;
  size: number;
  text(): Promise<string>;
}

/** How far the core has read the file being imported (its `import.progress` events). */
export interface ImportProgress {
  read: number;
  total: number;
}

export type FileImport =
  | { fileName: string; status: 'importing'; importId?: string; progress?: ImportProgress }
  | { fileName: string; status: 'done'; result: ImportResult }
  | { fileName: string; status: 'failed'; message: string };

export interface ImportState {
  /** The files of the last import, in order. */
  files: FileImport[];
  /** Counts finished imports: the library changed when it moves. */
  finished: number;
}

/** Sends one file to `events.import`; `importId` names the `import.progress` events the core pushes for it. */
export type ImportText = (text: string, fileName: string, importId: string) => Promise<Result<ImportResult>>;

const randomId = () => crypto.randomUUID();

export class ImportStore {
  private state: ImportState = { files: [], finished: 0 };
  private listeners = new Set<() => void>();

  constructor(
    private readonly importText: ImportText,
    private readonly newImportId: () => string = randomId,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): ImportState => this.state;

  get busy(): boolean {
    return this.state.files.some((file) => file.status === 'importing');
  }

  /** Imports the files one after the other; resolves once all have answered. */
  async importFiles(files: readonly FileLike[]): Promise<void> {
    if (files.length === 0) return;
    this.set({ ...this.state, files: files.map((file) => ({ fileName: file.name, status: 'importing' })) });
    for (const [index, file] of files.entries()) {
      const outcome = await this.importOne(file, index);
      this.set({ ...this.state, files: this.state.files.map((entry, i) => (i === index ? outcome : entry)) });
    }
    this.set({ ...this.state, finished: this.state.finished + 1 });
  }

  /**
   * Takes one `import.progress` event: the core's progress on the file being imported, if the
   * event is this store's (other pages' imports have other ids).
   */
  progress(event: EventPayload<'import.progress'>): void {
    const index = this.state.files.findIndex(
      (file) => file.status === 'importing' && file.importId !== undefined && file.importId === event.importId,
    );
    if (index < 0) return;
    this.set({
      ...this.state,
      files: this.state.files.map((entry, i) =>
        i === index && entry.status === 'importing'
          ? { ...entry, progress: { read: event.read, total: event.total } }
          : entry,
      ),
    });
  }

  /** Hides the report of the last import. */
  dismiss(): void {
    this.set({ ...this.state, files: [] });
  }

  private async importOne(file: FileLike, index: number): Promise<FileImport> {
    const problem = importFileProblem(file);
    if (problem) return { fileName: file.name, status: 'failed', message: problem };
    let text: string;
    try {
      text = await file.text();
    } catch {
      return { fileName: file.name, status: 'failed', message: `${file.name} could not be read.` };
    }
    const importId = this.newImportId();
    this.set({
      ...this.state,
      files: this.state.files.map((entry, i) =>
        i === index ? { fileName: file.name, status: 'importing', importId } : entry,
      ),
    });
    const answer = await this.importText(text, file.name, importId);
    return answer.ok
      ? { fileName: file.name, status: 'done', result: answer.value }
      : { fileName: file.name, status: 'failed', message: answer.error.message };
  }

  private set(next: ImportState): void {
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}

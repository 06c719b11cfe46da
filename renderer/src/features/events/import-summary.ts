import type { ChannelOutput } from '@shared/contract';

export type ImportResult = ChannelOutput<'events.import'>;

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** `3 imported, 1 duplicate, 1 bad line`: what an import kept and what it skipped. */
export function importSummary(result: ImportResult): string {
  return [
    `${result.imported.toLocaleString('en-US')} imported`,
    count(result.duplicates, 'duplicate', 'duplicates'),
    count(result.problemCount, 'bad line', 'bad lines'),
  ].join(', ');
}

/** How many bad lines the core counted but did not list (it lists at most 1000). */
export function unlistedProblems(result: ImportResult): number {
  return Math.max(0, result.problemCount - result.problems.length);
}

/** The largest file the studio sends in one events.import call (the channel's limit). */
export const maxImportBytes = 30 * 1024 * 1024;

/** Why a file cannot be imported from the window, or null. */
export function importFileProblem(file: { name: string; size: number }): string | null {
  if (file.size === 0) return `${file.name} is empty.`;
  if (file.size > maxImportBytes)
    return `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; the studio imports up to 30 MB at a time. Split it, or use \`pipeline-studio events import ${file.name}\`.`;
  return null;
}

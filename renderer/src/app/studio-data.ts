import { createContext, useContext } from 'react';
import type { ChannelOutput } from '@shared/contract';

export type HookList = ChannelOutput<'hooks.list'>;
export type HookSummary = HookList['hooks'][number];
export type PipelineState = ChannelOutput<'pipeline.get'>;
export type ScriptSummary = ChannelOutput<'scripts.list'>[number];

/** What several views share: the hooks, the pipeline's layers and the scripts, reloaded after changes. */
export interface StudioData {
  hooks: HookList;
  pipeline: PipelineState | null;
  scripts: ScriptSummary[];
  /** Why the pipeline or the scripts could not be loaded, if they could not. */
  loadError: string | null;
  setPipeline(next: PipelineState): void;
  reload(): Promise<void>;
  /** Opens a script in the editor; `line` (1-based) is revealed and marked, e.g. an error's line. */
  openScript(id: string, hook?: string, line?: number): void;
  /** Opens a trace in the trace view. */
  openTrace(traceId: string): void;
  /** Opens a replay run's results in the runs view. */
  openRun(runId: number): void;
}

export const StudioDataContext = createContext<StudioData | null>(null);

export function useStudioData(): StudioData {
  const data = useContext(StudioDataContext);
  if (!data) throw new Error('useStudioData outside <StudioDataContext>');
  return data;
}

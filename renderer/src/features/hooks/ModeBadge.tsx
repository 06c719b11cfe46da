import type { HookMode } from '@shared/hooks/definitions';

const describe: Record<HookMode, string> = {
  blocking: 'Blocking: may deny the operation',
  enrichment: 'Enrichment: returned fields are merged',
  async: 'Async: fire-and-forget, traced only',
};

export function ModeBadge({ mode }: { mode: HookMode }) {
  return (
    <span className={`mode-badge mode-${mode}`} title={describe[mode]}>
      {mode}
    </span>
  );
}

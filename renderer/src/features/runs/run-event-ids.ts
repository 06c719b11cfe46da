import type { Result } from '@shared/contract';
import { studio } from '../../client/studio-client';

/** The library event ids a run replayed, in order (to replay the same events again). */
export async function collectRunEventIds(runId: number): Promise<Result<string[]>> {
  const ids: string[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await studio.runs.results({ runId, only: 'all', offset, limit });
    if (!page.ok) return page;
    ids.push(...page.value.results.map((row) => row.line.id));
    if (page.value.results.length < limit || offset + limit >= page.value.total) break;
  }
  return ids.length > 0
    ? { ok: true, value: ids.slice(0, 100_000) }
    : { ok: false, error: { code: 'NOTHING_TO_REPLAY', message: 'This run replayed no event.' } };
}

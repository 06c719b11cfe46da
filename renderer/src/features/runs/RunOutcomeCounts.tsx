import { Fragment } from 'react';
import type { OutcomeBucket, OutcomeCounts } from '@shared/engine/outcome';
import { outcomeCountParts } from './outcome-counts';

interface Props {
  counts: Pick<OutcomeCounts, OutcomeBucket | 'mismatches'>;
}

/** A run's counts, each event in one bucket: `1 allowed · 1 denied · 1 error · 2 enriched · 0 mismatches`. */
export function RunOutcomeCounts({ counts }: Props) {
  return (
    <>
      {outcomeCountParts(counts).map((part, i) => (
        <Fragment key={part.kind}>
          {i > 0 && ' · '}
          <span className={part.kind !== 'mismatches' || counts.mismatches ? `count-${part.kind}` : undefined}>
            {part.text}
          </span>
        </Fragment>
      ))}
    </>
  );
}

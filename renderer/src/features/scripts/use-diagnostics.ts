import { useEffect, useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { studio } from '../../client/studio-client';

export type Diagnostic = ChannelOutput<'scripts.check'>[number];

const delayMs = 350;

/** scripts.check on the draft, debounced while typing; stale answers are dropped. */
export function useDiagnostics(source: string | null): { diagnostics: Diagnostic[]; checking: boolean } {
  const [state, setState] = useState<{ source: string | null; diagnostics: Diagnostic[] }>({
    source: null,
    diagnostics: [],
  });
  useEffect(() => {
    if (source === null) return;
    let current = true;
    const timer = setTimeout(() => {
      void studio.scripts.check({ source }).then((result) => {
        if (!current) return;
        setState({
          source,
          diagnostics: result.ok
            ? result.value
            : [
                {
                  severity: 'warning',
                  code: result.error.code,
                  message: `Could not check the script: ${result.error.message}`,
                },
              ],
        });
      });
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [source]);
  return { diagnostics: state.diagnostics, checking: state.source !== source };
}

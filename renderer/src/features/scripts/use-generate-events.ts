import { useMutation } from '@tanstack/react-query';
import type { ChannelInput } from '@shared/contract';
import { valueOf } from '../../app/studio-error';
import { studio } from '../../client/studio-client';

/** "Generate events": the draft on generated events; nothing cached changes, so nothing is invalidated. */
export function useGenerateEvents() {
  return useMutation({
    mutationFn: (input: ChannelInput<'scripts.generate'>) => valueOf(studio.scripts.generate(input)),
  });
}

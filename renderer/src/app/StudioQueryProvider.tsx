import { useEffect, useState, type ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { studio } from '../client/studio-client';
import { eventImports } from '../features/events/event-imports';
import { invalidateOnImports } from '../features/events/import-invalidation';
import { createStudioQueryClient } from './query-client';
import { invalidateOnPushedEvents } from './pushed-invalidation';

/** The page's one cache of server state, kept fresh by pushed events and finished imports. */
export function StudioQueryProvider({ children }: { children: ReactNode }) {
  const [client] = useState(createStudioQueryClient);
  useEffect(() => invalidateOnPushedEvents(client, studio.listen), [client]);
  useEffect(() => invalidateOnImports(client, eventImports), [client]);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

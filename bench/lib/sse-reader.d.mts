// Types of sse-reader.mjs for its TypeScript test.

export interface SseMessage {
  /** `message` when the stream named none. */
  event: string;
  data: string;
}

export function createSseReader(onMessage: (message: SseMessage) => void): { push(chunk: string): void };

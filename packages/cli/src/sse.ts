/** One Server-Sent Event. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Reads a `text/event-stream` body and yields its events (comments and heartbeats skipped).
 * Minimal by design: the demo follows one job's progress.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let current: Partial<SseEvent> & { data?: string } = {};
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line === '') {
        if (current.data !== undefined) {
          yield {
            event: current.event ?? 'message',
            data: current.data,
            ...(current.id ? { id: current.id } : {}),
          };
        }
        current = {};
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') current.data = current.data === undefined ? value : `${current.data}\n${value}`;
        else if (field === 'event') current.event = value;
        else if (field === 'id') current.id = value;
      }
      newline = buffer.indexOf('\n');
    }
  }
}

import { readSse } from './sse';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

describe('readSse', () => {
  it('parses events split across chunks, skipping comments and joining multi-line data', async () => {
    const events = [];
    for await (const e of readSse(
      streamOf([
        ': heartbeat\n\nevent: progress\nid: 1\nda',
        'ta: {"p":1}\n\n',
        'event: completed\r\ndata: a\r\ndata: b\r\n\r\n',
      ]),
    )) {
      events.push(e);
    }
    expect(events).toEqual([
      { event: 'progress', data: '{"p":1}', id: '1' },
      { event: 'completed', data: 'a\nb' },
    ]);
  });
});

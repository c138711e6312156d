import { ffmpegPath, runTool } from './tools';

describe('runTool', () => {
  it('kills the child process when the signal aborts', async () => {
    // -re paces input in real time: this would run for ten minutes.
    const args = ['-nostdin', '-re', '-f', 'lavfi', '-i', 'anullsrc', '-t', '600', '-f', 'null', '-'];
    const started = Date.now();
    await expect(runTool(ffmpegPath(), args, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports the tail of stderr when the program fails', async () => {
    await expect(runTool(ffmpegPath(), ['-i', '/nonexistent/input.wav', '-f', 'null', '-'])).rejects.toThrow(
      /ffmpeg exited with 1: .*No such file or directory/,
    );
  });

  it('feeds chunks as they come, and rejects (not a truncated success) when they fail', async () => {
    const args = [
      '-v',
      'error',
      '-f',
      's16le',
      '-ar',
      '8000',
      '-ac',
      '1',
      '-i',
      'pipe:0',
      '-f',
      's16le',
      '-',
    ];
    const chunks = async function* (fail: boolean) {
      yield Buffer.alloc(800);
      await new Promise((r) => setTimeout(r, 20));
      if (fail) throw new Error('source broke');
      yield Buffer.alloc(800);
    };
    expect((await runTool(ffmpegPath(), args, { input: chunks(false) })).stdout.length).toBe(1600);
    await expect(runTool(ffmpegPath(), args, { input: chunks(true) })).rejects.toThrow('source broke');
  });
});

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
});

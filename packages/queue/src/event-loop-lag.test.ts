import { waitFor } from '@podfleet/test-kit';
import { blockEventLoop } from '../test/support';
import { monitorEventLoopLag } from './event-loop-lag';

it('reports a stall of the event loop, then forgets it once the loop turns freely again', async () => {
  const monitor = monitorEventLoopLag({ intervalMs: 20, windowMs: 60 });
  try {
    blockEventLoop(300);
    // Overdue right now: its timer could not run during the stall.
    expect(monitor.lagMs()).toBeGreaterThanOrEqual(250);
    // One turn of the loop: the overdue timer runs first and records the stall.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(monitor.lagMs()).toBeGreaterThanOrEqual(250);
    await waitFor(() => monitor.lagMs() < 100, { what: 'the stall to leave the window' });
  } finally {
    monitor.stop();
  }
});

// Event-loop lag by timer drift: a timer due every `intervalMs` that fires late was held up by
// work on the loop. A blocked loop cannot run this timer either, so a tick overdue right now
// counts too, and the worst sample of a short window is kept so a probe arriving just after a
// stall still sees it.
import { performance } from 'node:perf_hooks';

export interface EventLoopLagMonitor {
  /** The longest event-loop delay (ms) within the window, or of a tick overdue right now. */
  lagMs(): number;
  stop(): void;
}

/** Samples every `intervalMs` (the finest stall it can see) and remembers `windowMs` of them. */
export function monitorEventLoopLag({ intervalMs = 50, windowMs = 2_000 } = {}): EventLoopLagMonitor {
  const samples = Math.max(1, Math.round(windowMs / intervalMs));
  const recent: number[] = [];
  let due = performance.now() + intervalMs;
  const timer = setInterval(() => {
    const now = performance.now();
    recent.push(Math.max(0, now - due));
    if (recent.length > samples) recent.shift();
    due = now + intervalMs;
  }, intervalMs);
  timer.unref();
  return {
    lagMs: () => Math.round(Math.max(0, performance.now() - due, ...recent)),
    stop: () => clearInterval(timer),
  };
}

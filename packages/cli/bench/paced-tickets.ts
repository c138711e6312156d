// Tickets at a steady pace, each sent at its own time whatever the others are doing (an open loop,
// as users arrive), and each job cancelled once answered so the probe adds no work to the fleet:
// how long one user waits for a ticket, apart from the queue a burst of submissions makes in the
// API itself (a closed loop of 16 at a time measures the API's throughput, not its latency).

export interface PacedTicketsOptions {
  count: number;
  everyMs: number;
  /** Sends one ticket; resolves to its job's id. */
  send(): Promise<string>;
  /** Cancels the ticket's job. */
  cancel(jobId: string): Promise<void>;
  /** Checked before each ticket: true ends the probe early. */
  stop?(): boolean;
}

/** Latency of each ticket (ms), in the order they were sent. */
export async function pacedTickets(options: PacedTicketsOptions): Promise<number[]> {
  const started = performance.now();
  const tickets: Array<Promise<number>> = [];
  for (let i = 0; i < options.count && !options.stop?.(); i++) {
    const due = started + i * options.everyMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    tickets.push(
      (async () => {
        const sent = performance.now();
        const jobId = await options.send();
        const ms = performance.now() - sent;
        await options.cancel(jobId);
        return ms;
      })(),
    );
  }
  return Promise.all(tickets);
}

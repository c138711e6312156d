// What the fake third-party servers do to a request, decided per job: every job in the suite
// carries a tag (`fx` + 8 hex digits) in its source titles and text, which reaches the LLM
// prompt, the TTS lines and the source URL, so a scenario can hold or break exactly its own
// job's requests while the others pass.
import { randomBytes } from 'node:crypto';

export type Fault =
  /** An HTTP error status, with Retry-After for 429/503 when given. */
  | { status: number; retryAfterSec?: number }
  /** No answer for `afterMs`, then the connection is dropped (a proxy or gateway timing out). */
  | { reset: number }
  /** No answer at all for `silentMs` (past the client's timeout, which must end the call itself). */
  | { silentMs: number }
  /** Headers and half a body, then the connection is dropped. */
  | { truncated: true }
  /** A well-formed 200 whose payload the client cannot use (LLM prose instead of the JSON asked for). */
  | { invalidJson: true };

const TAG = /\bfx[0-9a-f]{8}\b/;

export const newTag = () => `fx${randomBytes(4).toString('hex')}`;

export function findTag(text: string): string | undefined {
  return TAG.exec(text)?.[0];
}

interface Hold {
  released: Promise<void>;
  release(): void;
  engaged: Promise<void>;
  markEngaged(): void;
}

export interface HoldHandle {
  /** Resolves once a request of the tag is being held (the job is in that stage). */
  engaged: Promise<void>;
  /** Lets held and later requests through. */
  release(): void;
}

export class FaultBook {
  private readonly plans = new Map<string, Fault[]>();
  private readonly holds = new Map<string, Hold>();
  /** Faults served, per tag, in order. */
  readonly served = new Map<string, Fault[]>();

  /** The next requests of `tag` get these faults, one each, then normal answers. */
  plan(tag: string, faults: Fault[]): void {
    this.plans.set(tag, [...(this.plans.get(tag) ?? []), ...faults]);
  }

  /** Requests of `tag` wait until released. */
  hold(tag: string): HoldHandle {
    let release!: () => void;
    let markEngaged!: () => void;
    const hold: Hold = {
      released: new Promise<void>((resolve) => {
        release = resolve;
      }),
      release: () => {
        this.holds.delete(tag);
        release();
      },
      engaged: new Promise<void>((resolve) => {
        markEngaged = resolve;
      }),
      markEngaged: () => markEngaged(),
    };
    this.holds.set(tag, hold);
    return { engaged: hold.engaged, release: hold.release };
  }

  /** Waits out a hold on the request's tag, then returns the fault to apply, if any. */
  async decide(text: string): Promise<Fault | undefined> {
    const tag = findTag(text);
    if (!tag) return undefined;
    const hold = this.holds.get(tag);
    if (hold) {
      hold.markEngaged();
      await hold.released;
    }
    const fault = this.plans.get(tag)?.shift();
    if (fault) this.served.set(tag, [...(this.served.get(tag) ?? []), fault]);
    return fault;
  }

  releaseAll(): void {
    for (const hold of [...this.holds.values()]) hold.release();
  }
}

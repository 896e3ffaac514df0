/** The durable timers of the case workflow and the signals workflow (deterministic code only). */
import { sleep } from '@temporalio/workflow';

/**
 * Durable timers for the due moments, never cancelled: when the case changes, the loop just
 * wakes up and recomputes what is due; a timer whose reason is gone fires into nothing. One
 * timer runs per moment, and a new one starts only for an earlier moment. (Cancelling a timer
 * as `condition(fn, timeout)` does raced with a command on the time-skipping test server,
 * which then refused the workflow task: "invalid history builder state for action".)
 */
export class Alarm {
  private readonly pending = new Set<number>();
  private woke = false;

  setFor(at: number, name: string): void {
    if ([...this.pending].some((p) => p <= at)) return;
    this.pending.add(at);
    void sleep(Math.max(1, at - Date.now()), { summary: name }).then(() => {
      this.pending.delete(at);
      this.woke = true;
    });
  }

  /** Whether a timer went off since the last call. */
  wentOff(): boolean {
    const woke = this.woke;
    this.woke = false;
    return woke;
  }
}

// The read-model write of a signing process, issued by one loop of its own instead of by each publish. The write is a
// local activity, and a local activity holds its workflow task open until it finishes — together with every command
// of that task, the next message to the customer among them (bench contracts: a button tap waited for it). So the loop
// writes only once no send is running or starting in the task (at most `lag` later), and one write carries every
// change made meanwhile.
//
// Replay: the loop decides only on workflow state (what was requested, whether a send is running), evaluated where the
// SDK evaluates conditions — never on when a write resolved, which on replay is not the moment it resolved the first
// time (see PUBLISH_PATCH in process.ts). A write's resolution only moves `written`, which `flushed()` alone reads.
import type { Duration } from '@temporalio/common';
import { condition } from '@temporalio/workflow';

export interface ProjectionOptions {
  /** a send is running, or starts in this workflow task */
  busy: () => boolean;
  /** how long a write waits for a send at most (a provider retried for an hour must not hide the state that long) */
  lag: Duration;
  /** issues the write of the current state; `version` is the state's, `done` settles with the write */
  write: () => { version: number; done: Promise<unknown> };
}

export class DeferredProjection {
  private requested = 0;
  private issued = 0;
  private written = 0;
  private failure: unknown;

  constructor(private readonly options: ProjectionOptions) {}

  /** Starts the loop (once). It ends with the workflow; a cancelled workflow ends it with its scope. */
  start(): void {
    this.run().catch(() => undefined);
  }

  /** Asks for the state of `version` (or later) to be written. */
  request(version: number): void {
    this.requested = Math.max(this.requested, version);
  }

  /** Resolves once every requested version is written; throws the write's failure if the last write failed for good. */
  async flushed(): Promise<void> {
    await condition(() => this.failure !== undefined || this.written >= this.requested);
    if (this.failure !== undefined) throw this.failure;
  }

  private async run(): Promise<void> {
    for (;;) {
      await condition(() => this.requested > this.issued);
      await settled();
      if (this.options.busy()) await condition(() => !this.options.busy(), this.options.lag);
      const { version, done } = this.options.write();
      this.issued = Math.max(this.issued, version);
      done.then(
        () => {
          this.written = Math.max(this.written, version);
          if (this.written >= this.issued) this.failure = undefined;
        },
        (error: unknown) => {
          // an older write's failure is moot once a newer one is issued (each write carries the whole state)
          if (version >= this.issued) this.failure = error;
        },
      );
    }
  }
}

/**
 * Resolves at the next evaluation of conditions after this one. A condition is evaluated when it is created, then after
 * each job of an activation (before the workflow code those jobs woke has run) and once the activation's microtasks
 * have run. A change requested by one job (a delivery receipt) must not be written before the workflow has reacted to
 * a later job of the same activation (the customer's reply batched with it): so the write decides only at an
 * evaluation after its creation — the same one on replay, since activations replay with the same jobs.
 */
function settled(): Promise<void> {
  let created = true;
  return condition(() => {
    if (!created) return true;
    created = false;
    return false;
  });
}

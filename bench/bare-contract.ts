// The bare Temporal baseline for contract processes (bench/contracts.ts): a workflow with the shape of
// one signing process — the same number of customer signal waits, and between them the same number
// of activities and local activities, every body a no-op — so processes per minute and the reaction
// to a reply can be put beside what Temporal itself costs for that shape on the same dev server.
// Bundled by bench/contracts.ts for its own worker and task queue; its activities run in the bench
// process, so they can timestamp the moment a "prompt" goes out.
import { condition, defineSignal, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';

/**
 * One signing process's Temporal work, read from its history: per segment (before the first reply,
 * then after each reply) the activities and local activities in order — A activity, S activity that
 * sends, L local activity — so segments.length - 1 signal waits.
 */
export interface BareContractShape {
  segments: string[];
  /** per segment: the remote activity (0-based among A and S) the customer answers once it ran, -1 for none */
  prompt: number[];
  /** per segment: the remote activity whose start ends a reaction sample, -1 for none */
  measured: number[];
}

export interface BareContractActivities {
  /** the no-op standing for a remote activity; the bench records when the prompt and the measured one run */
  prompt(workflowId: string, segment: number, flags: { prompt: boolean; measured: boolean }): Promise<void>;
  /** the no-op standing for the projection write that rides in the workflow task */
  project(): Promise<void>;
}

export const replySignal = defineSignal<[number]>('reply');

const { prompt } = proxyActivities<BareContractActivities>({ startToCloseTimeout: '20 seconds' });
const { project } = proxyLocalActivities<BareContractActivities>({ startToCloseTimeout: '5 seconds' });

export async function bareContractWorkflow(shape: BareContractShape): Promise<number> {
  const { workflowId } = workflowInfo();
  let replies = 0;
  setHandler(replySignal, () => {
    replies++;
  });
  for (let segment = 0; segment < shape.segments.length; segment++) {
    if (segment > 0) await condition(() => replies >= segment);
    let remote = 0;
    for (const step of shape.segments[segment]) {
      if (step === 'L') await project();
      else {
        await prompt(workflowId, segment, { prompt: remote === shape.prompt[segment], measured: remote === shape.measured[segment] });
        remote++;
      }
    }
  }
  return replies;
}

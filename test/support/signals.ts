// The signals of one name a workflow has received, decoded (payloads are encrypted in history). A signal that lands
// during a workflow task shows in history only once that task completes.
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec } from '../../platform/codec';
import type { TestStack } from './stack';

export async function recordedSignals<T = Record<string, unknown>>(t: TestStack, workflowId: string, signalName: string): Promise<T[]> {
  const codec = new AesGcmCodec([{ id: t.stack.keys.payloadKeyId, key: t.stack.keys.payload }]);
  const history = await t.stack.client.workflow.getHandle(workflowId).fetchHistory();
  const out: T[] = [];
  for (const event of history.events ?? []) {
    const signaled = event.workflowExecutionSignaledEventAttributes;
    if (signaled?.signalName !== signalName) continue;
    const [payload] = await codec.decode(signaled.input!.payloads!);
    out.push(defaultPayloadConverter.fromPayload(payload));
  }
  return out;
}

// Determinism guard: committed histories of finished workflows (completed and rejected signing processes, approved
// verifications), recorded by successive versions of the workflow code, must all replay against today's code. A
// change that would break running workflows fails here instead of in production (fixtures: npm run replay:record,
// which adds a new set and never overwrites an older one).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { ProcessState } from '../../shared/process';
import { ROUTE_CLOSES_PATCH, SEND_FIRST_PATCH } from '../../workflows/process';
import { workflowBundle } from '../../worker/create-worker';
import { HISTORIES_DIR, replayCodec } from '../replay/fixture';

const load = (file: string) => proto.temporal.api.history.v1.History.decode(readFileSync(new URL(file, HISTORIES_DIR)));

describe('Replay of committed histories', function () {
  const files = readdirSync(fileURLToPath(HISTORIES_DIR)).filter((f) => f.endsWith('.binpb'));

  it('has the fixtures the guard promises: every recording kept', () => {
    assert.deepEqual(files.sort(), [
      // since process-send-first-v1: the next message goes out before the read-model write
      'process-completed.2026-11-30-send-first.binpb',
      // 2026-11-30: processes that reach the evidence step, every receipt's time kept
      'process-completed.2026-11-30.binpb',
      // since route-closes-with-answer-v1: a step closes the typed-text route once it has its answer
      'process-completed.2026-12-01-route-closes.binpb',
      // before the evidence step existed (patched('evidence-certificate-v1') must leave them alone)
      'process-completed.binpb',
      'process-rejected.2026-11-30-send-first.binpb',
      'process-rejected.2026-11-30.binpb',
      'process-rejected.2026-12-01-route-closes.binpb',
      'process-rejected.binpb',
      'verification-approved.2026-11-30-send-first.binpb',
      'verification-approved.2026-11-30.binpb',
      'verification-approved.2026-12-01-route-closes.binpb',
      'verification-approved.binpb',
    ]);
  });

  it('includes a process that reached the evidence path: issueEvidence scheduled, its result kept, receipts recorded', async () => {
    const history = load('process-completed.2026-11-30.binpb');
    const scheduled = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
    assert.ok(scheduled.includes('issueEvidence'), scheduled.join(', '));
    const completed = (history.events ?? []).find((e) => e.workflowExecutionCompletedEventAttributes)!;
    const [payload] = await replayCodec().decode(completed.workflowExecutionCompletedEventAttributes!.result!.payloads!);
    const state = defaultPayloadConverter.fromPayload<ProcessState>(payload);
    assert.equal(state.status, 'completed');
    assert.match(state.certificate?.chainHead ?? '', /^[0-9a-f]{64}$/);
    // each delivery status's time, not only the latest's
    const withAll = state.messages.filter((m) => m.receipts?.sent && m.receipts.delivered && m.receipts.read);
    assert.ok(withAll.length > 0, JSON.stringify(state.messages.map((m) => m.receipts)));
    // the older recording predates the evidence step
    const older = (load('process-completed.binpb').events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
    assert.ok(!older.includes('issueEvidence'));
  });

  const activities = (file: string) =>
    (load(file).events ?? []).flatMap((e) => {
      const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
      return type ? [type] : [];
    });
  const marked = (file: string, patch: string) =>
    (load(file).events ?? []).some((e) => {
      const marker = e.markerRecordedEventAttributes;
      const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
      return data !== undefined && data !== null && JSON.parse(Buffer.from(data).toString()).id === patch;
    });

  it('keeps both orders of a process: the write before the next send (older recordings), and the send first', () => {
    // before: the route of the typed code had an activity of its own, ahead of the code's send
    assert.ok(activities('process-completed.2026-11-30.binpb').includes('setConversationWait'));
    assert.ok(!marked('process-completed.2026-11-30.binpb', SEND_FIRST_PATCH));
    // since: the code's send routes the reply (the typed phrase of the validation step still has its activity)
    const since = activities('process-completed.2026-11-30-send-first.binpb');
    assert.ok(marked('process-completed.2026-11-30-send-first.binpb', SEND_FIRST_PATCH));
    assert.equal(since.filter((t) => t === 'setConversationWait').length, 1, since.join(', '));
    assert.ok(since.indexOf('sendOtp') < since.indexOf('setConversationWait'), since.join(', '));
  });

  it('keeps both lives of the typed-text route: open until the end (older recordings), and closed with each answer', () => {
    // before: one clear, after the documents were sealed
    const before = activities('process-completed.2026-11-30-send-first.binpb');
    assert.ok(!marked('process-completed.2026-11-30-send-first.binpb', ROUTE_CLOSES_PATCH));
    assert.equal(before.filter((t) => t === 'clearConversationWait').length, 1, before.join(', '));
    assert.ok(before.indexOf('clearConversationWait') > before.indexOf('sealProcessDocument'), before.join(', '));
    // since: the verified code closes it, the validation step opens its own, the last phrase closes that; none at the end
    const since = activities('process-completed.2026-12-01-route-closes.binpb');
    assert.ok(marked('process-completed.2026-12-01-route-closes.binpb', ROUTE_CLOSES_PATCH));
    const route = since.filter((t) => t === 'setConversationWait' || t === 'clearConversationWait' || t === 'sealProcessDocument');
    assert.deepEqual(route.slice(0, 3), ['clearConversationWait', 'setConversationWait', 'clearConversationWait'], since.join(', '));
    assert.ok(
      route.slice(3).every((t) => t === 'sealProcessDocument'),
      since.join(', '),
    );
  });

  for (const file of files) {
    it(`replays ${file} without non-determinism`, async function () {
      this.timeout(60_000);
      const history = load(file);
      assert.ok((history.events?.length ?? 0) > 10, 'a real history');
      await Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter: { payloadCodecs: [replayCodec()] } },
        history,
        file.replace(/\.binpb$/, ''),
      );
    });
  }
});

// Determinism guard: committed histories of finished workflows (a completed and a rejected signing
// process, an approved verification) must replay against today's workflow code. A change that would
// break running workflows fails here instead of in production (fixtures: npm run replay:record).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../worker/create-worker';
import { HISTORIES_DIR, replayCodec } from '../replay/fixture';

describe('Replay of committed histories', function () {
  const files = readdirSync(fileURLToPath(HISTORIES_DIR)).filter((f) => f.endsWith('.binpb'));

  it('has the fixtures the guard promises', () => {
    assert.deepEqual(files.sort(), ['process-completed.binpb', 'process-rejected.binpb', 'verification-approved.binpb']);
  });

  for (const file of files) {
    it(`replays ${file} without non-determinism`, async function () {
      this.timeout(60_000);
      const history = proto.temporal.api.history.v1.History.decode(readFileSync(new URL(file, HISTORIES_DIR)));
      assert.ok((history.events?.length ?? 0) > 10, 'a real history');
      await Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter: { payloadCodecs: [replayCodec()] } },
        history,
        file.replace(/\.binpb$/, ''),
      );
    });
  }
});

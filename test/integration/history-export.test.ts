// The history export for custody: a real workflow's history, every payload decrypted and decoded, as
// canonical JSON whose SHA-256 is reproducible — and with no OTP code in it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { exportHistory } from '../../custody/history-export';
import { AesGcmCodec } from '../../platform/codec';
import { SandboxCustomer } from '../support/customer';
import { startTestStack, type TestStack } from '../support/stack';

describe('History export for custody', function () {
  let t: TestStack;

  before(async function () {
    this.timeout(120_000);
    t = await startTestStack('pglite');
  });
  after(async function () {
    this.timeout(60_000);
    await t?.stop();
  });

  it('exports every event with payloads decoded, canonical and hashed, without the code', async function () {
    this.timeout(60_000);
    const phone = '+34611000777';
    const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms', brand: 'Acme' } });
    const code = await new SandboxCustomer(t, phone).smsCode();
    await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code } });
    const workflowId = `verification-${created.body.id}`;
    await t.stack.client.workflow.getHandle(workflowId).result();

    const codec = new AesGcmCodec([{ id: t.stack.keys.payloadKeyId, key: t.stack.keys.payload }]);
    const exported = await exportHistory(t.stack.client, workflowId, codec);
    const text = Buffer.from(exported.bytes).toString('utf8');
    const document = JSON.parse(text);

    const raw = await t.stack.client.workflow.getHandle(workflowId).fetchHistory();
    assert.equal(exported.eventCount, raw.events!.length);
    assert.equal(document.events.length, exported.eventCount);
    assert.equal(exported.sha256, createHash('sha256').update(exported.bytes).digest('hex'));
    assert.equal(document.runId, (await t.stack.client.workflow.getHandle(workflowId).describe()).runId);
    assert.doesNotMatch(text, /binary\/encrypted/, 'every payload decrypted');
    const started = document.events[0].workflowExecutionStartedEventAttributes;
    assert.equal(started.input.payloads[0].value.to, phone, 'the workflow input, decoded');
    assert.ok(!text.includes(`"${code}"`) && !text.includes(`:${code}`), 'the code appears nowhere');
    // the same history exports to the same bytes
    assert.equal((await exportHistory(t.stack.client, workflowId, codec)).sha256, exported.sha256);
    // and a wrong key cannot decode it: the export fails rather than keeping ciphertext
    const wrong = new AesGcmCodec([{ id: t.stack.keys.payloadKeyId, key: Buffer.alloc(32, 7) }]);
    await assert.rejects(exportHistory(t.stack.client, workflowId, wrong));
  });
});

// OTP over WhatsApp through the whole chain: API → workflow → activity → production Cloud API client →
// the sandbox's Graph API emulator → signed status webhooks → ingestion → signal → workflow; and the
// fallback to SMS when WhatsApp fails, refuses, or does not deliver in time.
import assert from 'node:assert/strict';
import type { VerificationService } from '../../services/verifications';
import { recordedSignals } from '../support/signals';
import { databases, eventually, startTestStack, tenantOf, type TestStack, verificationService } from '../support/stack';

let phoneSeq = Math.floor(Math.random() * 40_000_000);
const uniquePhone = () => `+346${String(50_000_000 + phoneSeq++).padStart(8, '0')}`;

interface HandsetMessage {
  id: string;
  from: string;
  type: string;
  text?: string;
  buttons?: Array<{ id: string; title: string }>;
  status: string;
}

async function chat(t: TestStack, phone: string): Promise<HandsetMessage[]> {
  const { status, body } = await t.request('GET', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`, { apiKey: null });
  assert.equal(status, 200);
  return body;
}

async function sms(t: TestStack, phone: string): Promise<string[]> {
  const { body } = await t.request('GET', `/sandbox/api/phones/${encodeURIComponent(phone)}/sms`, { apiKey: null });
  return (body as Array<{ body: string }>).map((m) => m.body);
}

const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1];

async function verification(t: TestStack, id: string, until: (v: any) => boolean, what: string) {
  return eventually(async () => {
    const { body } = await t.request('GET', `/v1/verifications/${id}`);
    return until(body) ? body : undefined;
  }, what);
}

const setFaults = (t: TestStack, faults: object) => t.request('POST', '/sandbox/api/faults', { body: faults, apiKey: null });

for (const kind of databases()) {
  describe(`OTP over WhatsApp (${kind})`, function () {
    let t: TestStack;
    let service: VerificationService;

    before(async function () {
      this.timeout(120_000);
      t = await startTestStack(kind);
      service = verificationService(t);
    });

    afterEach(async () => {
      await t.request('DELETE', '/sandbox/api/faults', { apiKey: null });
    });

    after(async function () {
      this.timeout(30_000);
      await t?.stop();
    });

    it('sends the authentication template with a copy-code button, follows its statuses, and approves the code', async () => {
      const phone = uniquePhone();
      const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'whatsapp', locale: 'en' } });
      assert.equal(created.status, 201);
      const message = await eventually(async () => (await chat(t, phone))[0], 'the WhatsApp message');
      assert.equal(message.from, 'business');
      const code = codeIn(message.text ?? '');
      assert.ok(code, `a code in "${message.text}"`);
      assert.ok(
        message.buttons?.some((b) => /copy code/i.test(b.title)),
        'a copy-code button',
      );

      const read = await verification(t, created.body.id, (v) => v.sends[0]?.status === 'read', 'the read status');
      assert.deepEqual(
        read.sends.map((s: { channel: string }) => s.channel),
        ['whatsapp'],
      );
      assert.equal((await sms(t, phone)).length, 0, 'no SMS when WhatsApp delivered');

      const outbound = await t.stack.db.prisma.outboundMessage.findFirst({ where: { workflowId: `verification-${created.body.id}` } });
      assert.match(outbound?.providerMessageId ?? '', /^wamid\./);
      assert.equal(outbound?.status, 'read');
      // The fallback waits on this send's delivery: delivered and read are signalled, sent is not. (A receipt that came
      // before the send recorded its message id is claimed by the send and comes back in its result, not as a signal.)
      assert.deepEqual(outbound?.signalledStatuses, ['delivered', 'read', 'failed']);
      await eventually(async () => {
        const rows = await t.stack.db.prisma.inboxEvent.findMany({ where: { messageId: outbound!.providerMessageId!, processedAt: { not: null } } });
        return rows.length === 3 ? rows : undefined;
      }, 'sent, delivered and read ingested');
      const signalled = await recordedSignals<{ status: string }>(t, `verification-${created.body.id}`, 'messageStatus');
      assert.ok(
        signalled.every((s) => s.status === 'delivered' || s.status === 'read'),
        `signalled: ${signalled.map((s) => s.status).join(', ')}`,
      );

      const check = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code } });
      assert.deepEqual(check.body, { valid: true, status: 'approved', attemptsRemaining: 4 });
    });

    it('switches to SMS when WhatsApp reports the number is not on WhatsApp (131026), with the same code', async () => {
      const phone = uniquePhone();
      await setFaults(t, { notOnWhatsApp: [phone] });
      const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'whatsapp' } });
      const settled = await verification(t, created.body.id, (v) => v.sends.length === 2, 'the SMS fallback');
      assert.deepEqual(
        settled.sends.map((s: { channel: string; status: string }) => [s.channel, s.status === 'failed']),
        [
          ['whatsapp', true],
          ['sms', false],
        ],
      );
      assert.equal(String(settled.sends[0].error), '131026');
      // The reaction's hot path: the SMS is scheduled by the workflow task that handled the failed status, and that
      // task writes no projection (a local activity, which would hold the task and the SMS until it finished).
      const history = (await t.stack.client.workflow.getHandle(`verification-${created.body.id}`).fetchHistory()).events ?? [];
      const failedAt = history.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'messageStatus');
      const taskDone = history.findIndex((e, i) => i > failedAt && e.workflowTaskCompletedEventAttributes);
      const smsScheduledAt = history.findIndex((e, i) => i > failedAt && e.activityTaskScheduledEventAttributes);
      const nextTask = history.findIndex((e, i) => i > taskDone && e.workflowTaskScheduledEventAttributes);
      assert.ok(failedAt > 0 && taskDone > failedAt && smsScheduledAt > taskDone, 'the SMS scheduled after the failed status');
      assert.ok(nextTask < 0 || smsScheduledAt < nextTask, 'by the task that handled the failed status');
      const task = history.slice(taskDone + 1, nextTask < 0 ? undefined : nextTask).map((e) => e.markerRecordedEventAttributes?.markerName);
      assert.ok(!task.includes('core_local_activity'), 'no projection write in the task that scheduled the SMS');
      const smsCode = codeIn((await eventually(async () => (await sms(t, phone))[0], 'the SMS'))!);
      assert.ok(smsCode);
      const check = await t.request('POST', `/v1/verifications/${created.body.id}/checks`, { body: { code: smsCode } });
      assert.equal(check.body.status, 'approved');
    });

    it('follows every fallback SMS to delivered, even when its status callbacks overtake the send’s own result', async () => {
      // The sandbox's Twilio answers in ms and calls back at once: statuses often reach the workflow in the
      // same task as (or before) the activity result that records the send. Several at once make it likely.
      const phones = Array.from({ length: 6 }, uniquePhone);
      await setFaults(t, { notOnWhatsApp: phones });
      const created = await Promise.all(phones.map((to) => t.request('POST', '/v1/verifications', { body: { to, channel: 'whatsapp' } })));
      for (const { body } of created) {
        const settled = await verification(t, body.id, (v) => v.sends[1]?.status === 'delivered', `the fallback SMS of ${body.id} delivered`);
        assert.deepEqual(
          settled.sends.map((s: { channel: string }) => s.channel),
          ['whatsapp', 'sms'],
        );
      }
    });

    it('switches to SMS when WhatsApp refuses the send outright', async () => {
      const phone = uniquePhone();
      await setFaults(t, { failNext: { count: 1, code: 131009, details: 'Parameter value is not valid' } });
      const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'whatsapp' } });
      const settled = await verification(t, created.body.id, (v) => v.sends.length === 2, 'the SMS fallback');
      assert.deepEqual(
        settled.sends.map((s: { channel: string }) => s.channel),
        ['whatsapp', 'sms'],
      );
      assert.equal(settled.sends[0].status, 'failed');
    });

    it('switches to SMS when WhatsApp has not confirmed delivery within fallbackAfterSeconds', async function () {
      this.timeout(30_000);
      await setFaults(t, { statusDelayMs: 8_000 });
      const phone = uniquePhone();
      const created = await service.create(await tenantOf(t), { to: phone, channel: 'whatsapp', fallbackAfterSeconds: 1 });
      const settled = await verification(t, created.id, (v) => v.sends.length === 2, 'the SMS fallback');
      assert.deepEqual(
        settled.sends.map((s: { channel: string }) => s.channel),
        ['whatsapp', 'sms'],
      );
      assert.equal(settled.status, 'pending');
    });

    it('fails when WhatsApp fails and the request asked for no fallback', async () => {
      const phone = uniquePhone();
      await setFaults(t, { notOnWhatsApp: [phone] });
      const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'whatsapp', fallback: 'none' } });
      const failed = await verification(t, created.body.id, (v) => v.status === 'failed', 'the failed status');
      assert.equal(failed.sends.length, 1);
      assert.equal((await sms(t, phone)).length, 0);
    });

    it('resends the same code on another channel on request', async function () {
      this.timeout(30_000);
      const phone = uniquePhone();
      const created = await service.create(await tenantOf(t), { to: phone, channel: 'sms' }, { resendCooldownSeconds: 0 });
      const smsCode = codeIn((await eventually(async () => (await sms(t, phone))[0], 'the SMS'))!);
      const resent = await t.request('POST', `/v1/verifications/${created.id}/resend`, { body: { channel: 'whatsapp' } });
      assert.equal(resent.status, 200);
      const message = await eventually(async () => (await chat(t, phone))[0], 'the WhatsApp message');
      assert.equal(codeIn(message.text ?? ''), smsCode);
    });

    it('uses the tenant’s WhatsApp template name (an unknown one is refused by Meta: 132001 → SMS)', async () => {
      await t.request('PATCH', '/v1/settings', { body: { otpTemplate: 'acme_login_code' } });
      try {
        const phone = uniquePhone();
        const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'whatsapp' } });
        const settled = await verification(t, created.body.id, (v) => v.sends.length === 2, 'the SMS fallback');
        assert.equal(settled.sends[0].status, 'failed');
        const outbound = await t.stack.db.prisma.outboundMessage.findFirst({ where: { workflowId: `verification-${created.body.id}`, channel: 'whatsapp' } });
        assert.match(JSON.stringify(outbound?.error), /132001/);
      } finally {
        await t.request('PATCH', '/v1/settings', { body: { otpTemplate: null } });
      }
    });
  });
}

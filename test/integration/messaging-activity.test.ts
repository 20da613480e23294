// The conversation send activity with its real dependencies (database, production WhatsApp client,
// the sandbox over HTTP) inside Temporal's activity test environment: the 24-hour window decides
// between free-form and template, and the outbox makes a retried activity return the first send.
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { SendWhatsAppInput } from '../../activities/messaging';
import { buildActivityDeps } from '../../app/activity-deps';
import { AesGcmCodec } from '../../platform/codec';
import { eventually, startTestStack, type TestStack } from '../support/stack';

describe('sendWhatsApp activity', function () {
  let t: TestStack;
  let activities: ReturnType<typeof createActivities>;
  const info = (activityId: string) => ({ activityId, workflowExecution: { workflowId: 'process-prc_test', runId: 'run-1' } });
  const quiet = { logger: new DefaultLogger('ERROR', () => undefined) };
  const send = (activityInfo: ReturnType<typeof info> & { attempt?: number }, input: SendWhatsAppInput) =>
    new MockActivityEnvironment(activityInfo, quiet).run(activities.sendWhatsApp, input) as ReturnType<typeof activities.sendWhatsApp>;

  before(async function () {
    this.timeout(120_000);
    t = await startTestStack('pglite');
    activities = createActivities(
      buildActivityDeps(
        t.stack.config,
        t.stack.db.prisma,
        t.stack.keys,
        t.stack.client,
        new AesGcmCodec([{ id: t.stack.keys.payloadKeyId, key: t.stack.keys.payload }]),
      ),
    );
  });

  after(async function () {
    this.timeout(30_000);
    await t?.stop();
  });

  const handset = async (phone: string) =>
    (await t.request('GET', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`, { apiKey: null })).body as Array<{ id: string; from: string }>;

  it('refuses a free-form message outside the 24-hour window, and sends nothing', async () => {
    const phone = '+34600555001';
    await assert.rejects(
      send(info('1'), { to: phone, message: { kind: 'text', body: 'hola' } }),
      (error: unknown) => error instanceof ApplicationFailure && error.type === 'TemplateRequired' && error.nonRetryable,
    );
    assert.equal((await handset(phone)).length, 0);
  });

  it('sends a template outside the window', async () => {
    const phone = '+34600555002';
    const sent = await send(info('2'), {
      to: phone,
      message: { kind: 'template', name: 'process_reminder', language: 'es', components: [{ type: 'body', parameters: [{ type: 'text', text: 'C-1' }] }] },
    });
    assert.match(sent.messageId, /^wamid\./);
  });

  it('sends free-form inside the window once the customer wrote, and a retry of the same activity does not send again', async () => {
    const phone = '+34600555003';
    await t.request('POST', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`, { body: { text: 'Hola' }, apiKey: null });
    // the customer's message reaches the app as a signed webhook, which opens the window
    await eventually(async () => (await t.stack.db.prisma.conversationWindow.findFirst({ where: { customer: phone } })) ?? undefined, 'the window');
    const first = await send(info('3'), { to: phone, message: { kind: 'buttons', body: '¿Aceptas?', buttons: [{ id: 'prc_test:accept', title: 'Acepto' }] } });
    const retry = await send(
      { ...info('3'), attempt: 2 },
      { to: phone, message: { kind: 'buttons', body: '¿Aceptas?', buttons: [{ id: 'prc_test:accept', title: 'Acepto' }] } },
    );
    assert.equal(retry.messageId, first.messageId);
    assert.equal(retry.replayed, true);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await handset(phone)).filter((m) => m.from === 'business').length, 1, 'one message on the handset');
  });
});

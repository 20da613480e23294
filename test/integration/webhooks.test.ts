// Provider webhooks through the real HTTP route and database: signatures checked on the exact bytes,
// batches fully read, redeliveries without a second effect, statuses monotonic whatever their order.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { sendInboundSms } from '../../sandbox/twilio';
import { twilioSignature } from '../../sandbox/twilio-webhooks';
import { recordedSignals } from '../support/signals';
import { databases, eventually, startTestStack, type TestStack } from '../support/stack';

/** Meta's serialisation: non-ASCII as \uXXXX (UTF-16 units, so emoji become surrogate pairs) and "/" as "\/". */
function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const sign = (secret: string, body: string | Buffer) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const ts = () => String(Math.floor(Date.now() / 1000));

function envelope(changes: unknown[][]) {
  return {
    object: 'whatsapp_business_account',
    entry: changes.map((values) => ({
      id: '200000000000002',
      changes: values.map((value) => ({
        field: 'messages',
        value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: '100000000000001' }, ...(value as object) },
      })),
    })),
  };
}

const inboundText = (from: string, text: string, id = `wamid.${randomBytes(12).toString('hex')}`) => ({
  contacts: [{ profile: { name: 'Ana' }, wa_id: from.slice(1) }],
  messages: [{ from: from.slice(1), id, timestamp: ts(), type: 'text', text: { body: text } }],
});

const status = (id: string, value: string, extra: object = {}) => ({
  statuses: [{ id, status: value, timestamp: ts(), recipient_id: '34600111222', ...extra }],
});

for (const kind of databases()) {
  describe(`webhooks (${kind})`, function () {
    let t: TestStack;
    let secret: string;

    before(async function () {
      this.timeout(120_000);
      t = await startTestStack(kind);
      secret = t.stack.config.whatsapp.appSecret!;
    });

    after(async function () {
      this.timeout(30_000);
      await t?.stop();
    });

    const postWhatsApp = (raw: string, signature?: string) =>
      fetch(`${t.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
        body: raw,
      });
    const inbox = (messageId: string) => t.stack.db.prisma.inboxEvent.findMany({ where: { messageId } });

    describe('WhatsApp', () => {
      it('answers Meta’s verification handshake only with the verify token', async () => {
        const ok = await fetch(
          `${t.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(t.stack.config.whatsapp.verifyToken!)}&hub.challenge=1158201444`,
        );
        assert.equal(ok.status, 200);
        assert.equal(await ok.text(), '1158201444');
        const wrong = await fetch(`${t.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
        assert.equal(wrong.status, 403);
      });

      it('verifies a body signed as Meta signs it (escaped accents and emoji), and rejects the same content re-serialised', async () => {
        const id = `wamid.${randomBytes(12).toString('hex')}`;
        const body = envelope([[inboundText('+34600111222', 'Añadir 😀 contrato — ¿sí? / ok', id)]]);
        const raw = metaJson(body);
        assert.ok(raw.includes('\\u00f1') && raw.includes('\\ud83d\\ude00') && raw.includes('\\/'), 'the body carries Meta’s escapes');

        const reserialised = JSON.stringify(JSON.parse(raw));
        assert.notEqual(reserialised, raw);
        const rejected = await postWhatsApp(reserialised, sign(secret, raw));
        assert.equal(rejected.status, 401);
        assert.equal((await rejected.json()).type, 'urn:testigo:problem:invalid-signature');
        assert.equal((await inbox(id)).length, 0, 'nothing ingested on a bad signature');

        const accepted = await postWhatsApp(raw, sign(secret, raw));
        assert.equal(accepted.status, 200);
        const [event] = await inbox(id);
        assert.equal(event.kind, 'message');
        const payload = event.payload as Record<string, unknown>;
        assert.equal(payload.text, undefined, 'free text is not stored in clear');
        assert.equal(payload.from, '+34600111222');
      });

      it('401 without a signature, with another secret’s signature, or with a malformed header', async () => {
        const id = `wamid.${randomBytes(12).toString('hex')}`;
        const raw = metaJson(envelope([[inboundText('+34600111222', 'hola', id)]]));
        for (const signature of [undefined, sign('another-secret', raw), 'sha256=zz', sign(secret, raw).replace('sha256=', 'sha1=')]) {
          assert.equal((await postWhatsApp(raw, signature)).status, 401);
        }
        assert.equal((await inbox(id)).length, 0);
      });

      it('processes every entry and every change of a batch', async () => {
        const ids = Array.from({ length: 4 }, () => `wamid.${randomBytes(12).toString('hex')}`);
        const raw = metaJson(
          envelope([
            [inboundText('+34600111222', 'uno', ids[0]), inboundText('+34600111223', 'dos', ids[1])],
            [inboundText('+34600111224', 'tres', ids[2]), inboundText('+34600111225', 'cuatro', ids[3])],
          ]),
        );
        const response = await postWhatsApp(raw, sign(secret, raw));
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { received: 4, duplicates: 0, routed: 0 });
        for (const id of ids) assert.equal((await inbox(id)).length, 1);
      });

      it('has one effect for a webhook delivered three times', async () => {
        const id = `wamid.${randomBytes(12).toString('hex')}`;
        const raw = metaJson(envelope([[inboundText('+34600111299', 'tres veces', id)]]));
        const results = [];
        for (let i = 0; i < 3; i++) results.push(await (await postWhatsApp(raw, sign(secret, raw))).json());
        assert.deepEqual(
          results.map((r) => r.duplicates),
          [0, 1, 1],
        );
        assert.equal((await inbox(id)).length, 1);
      });

      it('keeps statuses monotonic when they arrive out of order, and keeps failures terminal', async () => {
        const wamid = `wamid.${randomBytes(12).toString('hex')}`;
        await t.stack.db.prisma.outboundMessage.create({
          data: {
            key: `test-wf:${wamid}`,
            workflowId: 'verification-ver_closed_or_absent',
            channel: 'whatsapp',
            provider: 'sandbox',
            to: '+34600111222',
            providerMessageId: wamid,
            status: 'accepted',
          },
        });
        for (const value of ['read', 'sent', 'delivered', 'read']) {
          const raw = metaJson(envelope([[status(wamid, value)]]));
          assert.equal((await postWhatsApp(raw, sign(secret, raw))).status, 200);
        }
        assert.equal((await t.stack.db.prisma.outboundMessage.findUnique({ where: { key: `test-wf:${wamid}` } }))?.status, 'read');
        // the stale ones changed nothing, yet each is recorded as processed and as this message's workflow's
        const events = await inbox(wamid);
        assert.equal(events.length, 3, 'read, sent, delivered (the second read is a duplicate)');
        for (const event of events) {
          assert.ok(event.processedAt, event.eventKey);
          assert.equal(event.routedTo, 'verification-ver_closed_or_absent', event.eventKey);
        }

        const failedId = `wamid.${randomBytes(12).toString('hex')}`;
        await t.stack.db.prisma.outboundMessage.create({
          data: {
            key: `test-wf:${failedId}`,
            workflowId: 'verification-ver_closed_or_absent',
            channel: 'whatsapp',
            provider: 'sandbox',
            to: '+34600111222',
            providerMessageId: failedId,
            status: 'accepted',
          },
        });
        for (const [value, extra] of [
          ['failed', { errors: [{ code: 131026, title: 'Message undeliverable', error_data: { details: 'not on WhatsApp' } }] }],
          ['delivered', {}],
        ] as const) {
          const raw = metaJson(envelope([[status(failedId, value, extra)]]));
          assert.equal((await postWhatsApp(raw, sign(secret, raw))).status, 200);
        }
        const failed = await t.stack.db.prisma.outboundMessage.findUnique({ where: { key: `test-wf:${failedId}` } });
        assert.equal(failed?.status, 'failed');
        assert.equal(failed?.errorCode, '131026');
      });

      it('keeps a status that arrives before our send recorded its message id, for the send to claim', async () => {
        const wamid = `wamid.${randomBytes(12).toString('hex')}`;
        const raw = metaJson(envelope([[status(wamid, 'delivered')]]));
        assert.equal((await postWhatsApp(raw, sign(secret, raw))).status, 200);
        const [waiting] = await inbox(wamid);
        assert.equal(waiting.processedAt, null, 'not processed yet: no message of ours has that id');

        const { sendOnce } = await import('../../messaging/outbox');
        // the provider (here a stand-in for the HTTP call) answers after its own webhook arrived
        const sent = await sendOnce(
          t.stack.db.prisma,
          { key: `early:${wamid}`, workflowId: 'verification-ver_early', channel: 'whatsapp', provider: 'sandbox', to: '+34600111222' },
          async () => ({ messageId: wamid, status: 'accepted' }),
        );
        assert.equal(sent.status, 'delivered');
        assert.equal((await t.stack.db.prisma.outboundMessage.findUnique({ where: { key: `early:${wamid}` } }))?.status, 'delivered');
        const [claimed] = await inbox(wamid);
        assert.ok(claimed.processedAt);
        assert.equal(claimed.routedTo, 'verification-ver_early');
      });

      describe('routing to workflows', () => {
        /** The inboundMessage signals a workflow received, decoded (test/support/signals.ts). */
        const inboundSignals = (workflowId: string) =>
          eventually(async () => {
            const found = await recordedSignals(t, workflowId, 'inboundMessage');
            return found.length ? found : undefined;
          }, `a signal in ${workflowId}`);

        it('routes a button tap by its payload to the subject’s workflow', async () => {
          const created = await t.request('POST', '/v1/verifications', { body: { to: '+34600565656', channel: 'sms' } });
          const workflowId = `verification-${created.body.id}`;
          const id = `wamid.${randomBytes(12).toString('hex')}`;
          const raw = metaJson(
            envelope([
              [
                {
                  messages: [
                    { from: '34600565656', id, timestamp: ts(), type: 'button', button: { payload: `${created.body.id}:resend`, text: 'Send a new code' } },
                  ],
                },
              ],
            ]),
          );
          assert.deepEqual(await (await postWhatsApp(raw, sign(secret, raw))).json(), { received: 1, duplicates: 0, routed: 1 });
          assert.equal((await inbox(id))[0].routedTo, workflowId);
          const [signal] = await inboundSignals(workflowId);
          assert.equal(signal.buttonPayload, `${created.body.id}:resend`);
        });

        it('routes free text to the workflow waiting for the phone’s text: as a keyed hash for an OTP, in clear only when text was asked for', async () => {
          const phone = '+34600575757';
          for (const expects of ['otp', 'text'] as const) {
            const created = await t.request('POST', '/v1/verifications', { body: { to: phone, channel: 'sms' } });
            const workflowId = `verification-${created.body.id}`;
            await t.stack.db.prisma.conversationWait.create({ data: { workflowId, subjectId: created.body.id, phone, expects } });
            const raw = metaJson(envelope([[inboundText(phone, '482913')]]));
            assert.equal((await (await postWhatsApp(raw, sign(secret, raw))).json()).routed, 1);
            const [signal] = await inboundSignals(workflowId);
            const { hashCode } = await import('../../domain/otp-code');
            assert.equal(signal.textHash, hashCode(t.stack.keys.otpHash, created.body.id, '482913'));
            assert.equal(signal.text, expects === 'text' ? '482913' : undefined);
            await t.stack.db.prisma.conversationWait.delete({ where: { workflowId } });
          }
        });
      });

      it('opens and refreshes the 24-hour window on customer messages, never moving it back', async () => {
        const phone = '+34600777888';
        const at = (secondsAgo: number) => String(Math.floor(Date.now() / 1000) - secondsAgo);
        for (const secondsAgo of [100, 3000]) {
          const body = envelope([
            [
              {
                ...inboundText(phone, 'hola'),
                messages: [
                  { from: phone.slice(1), id: `wamid.${randomBytes(8).toString('hex')}`, timestamp: at(secondsAgo), type: 'text', text: { body: 'hola' } },
                ],
              },
            ],
          ]);
          const raw = metaJson(body);
          await postWhatsApp(raw, sign(secret, raw));
        }
        const window = await t.stack.db.prisma.conversationWindow.findUnique({
          where: { businessNumber_customer: { businessNumber: '100000000000001', customer: phone } },
        });
        assert.ok(window);
        assert.ok(Math.abs(window.lastInboundAt.getTime() - (Date.now() - 100_000)) < 2000, 'the newer message wins');
        const { windowOpen } = await import('../../messaging/conversation-window');
        assert.equal(await windowOpen(t.stack.db.prisma, '100000000000001', phone), true);
        assert.equal(
          await windowOpen(t.stack.db.prisma, '100000000000001', phone, new Date(Date.now() + 24 * 3600_000)),
          false,
          'closed 24 h after the last message',
        );
        assert.equal(await windowOpen(t.stack.db.prisma, '100000000000001', '+34600777889'), false, 'never opened');
      });
    });

    describe('Twilio', () => {
      const url = () => `${t.stack.config.publicBaseUrl}/webhooks/sms/twilio`;
      const token = () => t.stack.config.sms.twilioAuthToken;

      it('the sandbox signs exactly as the twilio library validates', () => {
        const params = { MessageSid: 'SM1', MessageStatus: 'delivered', To: '+34600111222', Body: 'ñ € 😀' };
        assert.equal(twilio.validateRequest(token(), twilioSignature(token(), url(), params), url(), params), true);
        assert.equal(twilio.validateRequest(token(), twilioSignature(token(), url(), params), url(), { ...params, MessageStatus: 'failed' }), false);
      });

      it('accepts an inbound SMS signed by the sandbox, and records it once', async () => {
        const sid = await sendInboundSms({
          url: url(),
          accountSid: t.stack.config.sms.twilioAccountSid,
          authToken: token(),
          from: '+34600111222',
          to: t.stack.config.sms.twilioFrom,
          body: 'STOP',
        });
        const [event] = await inbox(sid);
        assert.equal(event.kind, 'message');
        assert.equal(event.channel, 'sms');
      });

      it('the sandbox’s control API texts the business as the customer (signed inbound webhook)', async () => {
        const phone = '+34600121212';
        const sent = await t.request('POST', `/sandbox/api/phones/${encodeURIComponent(phone)}/sms`, { body: { body: 'hola' }, apiKey: null });
        assert.equal(sent.status, 202);
        const [event] = await inbox(sent.body.id);
        assert.equal((event.payload as { from: string }).from, phone);
        assert.equal((await t.request('POST', `/sandbox/api/phones/${encodeURIComponent(phone)}/sms`, { body: {}, apiKey: null })).status, 400);
      });

      it('rejects a tampered status callback with 401 and ingests nothing', async () => {
        const params = {
          MessageSid: `SM${randomBytes(16).toString('hex')}`,
          MessageStatus: 'delivered',
          To: '+34600111222',
          From: '+15005550006',
          AccountSid: 'AC1',
        };
        const signature = twilioSignature(token(), url(), params);
        const tampered = new URLSearchParams({ ...params, MessageStatus: 'failed' });
        const response = await fetch(url(), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
          body: tampered,
        });
        assert.equal(response.status, 401);
        const missing = await fetch(url(), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(params),
        });
        assert.equal(missing.status, 401);
        assert.equal((await inbox(params.MessageSid)).length, 0);

        const genuine = await fetch(url(), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
          body: new URLSearchParams(params),
        });
        assert.equal(genuine.status, 200);
        assert.match(genuine.headers.get('content-type') ?? '', /text\/xml/);
        assert.equal((await inbox(params.MessageSid)).length, 1);
      });
    });
  });
}

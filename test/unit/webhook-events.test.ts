// Normalisation of provider webhooks into the events the ingestion routes: every inbound type Meta
// sends, statuses with errors and correlation data, batches, and Twilio's form posts.
import assert from 'node:assert/strict';
import { twilioEvents } from '../../api/webhooks/twilio';
import { whatsappEvents, type MetaWebhook } from '../../api/webhooks/whatsapp-events';

const meta = (values: object[]): MetaWebhook => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: 'WABA',
      changes: values.map((value) => ({
        field: 'messages',
        value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: 'PNID' }, ...value } as never,
      })),
    },
  ],
});

const message = (m: object) => ({
  contacts: [{ profile: { name: 'Ana' }, wa_id: '34600111222' }],
  messages: [{ from: '34600111222', id: 'wamid.IN', timestamp: '1763700000', ...m }],
});

describe('WhatsApp webhook normalisation', () => {
  it('skips what is malformed instead of throwing: a signed body of any shape is acknowledged without effect', () => {
    for (const body of [null, 5, 'x', [], { entry: 5 }, { entry: [null, { changes: 'x' }] }, { entry: [{ changes: [{ field: 'messages', value: [] }] }] }]) {
      assert.deepEqual(whatsappEvents(body, 'cloud'), [], JSON.stringify(body));
    }
    const broken = meta([
      {
        statuses: [
          { id: 'wamid.A', status: 'delivered', timestamp: 'NaN' },
          { id: 7, status: 'delivered', timestamp: '1763700000' },
          { id: 'wamid.B', status: 'constructor', timestamp: '1763700000' },
          { id: 'wamid.C', status: 'failed', timestamp: '1763700000', errors: [{ code: '131026', title: 5 }, null] },
        ],
        messages: [
          { id: 'wamid.D', from: 34600111222, timestamp: '1763700000', type: 'text' },
          { id: 'wamid.E', from: '34600111222', timestamp: '1e309', type: 'text' },
          { id: 'wamid.F', from: '34600111222', timestamp: '1763700000', type: 'interactive', interactive: { button_reply: 'yes' } },
        ],
      },
    ]);
    const events = whatsappEvents(broken, 'cloud');
    assert.deepEqual(
      events.map((e) => e.messageId),
      ['wamid.C', 'wamid.F'],
    );
    assert.deepEqual((events[0] as { errors?: unknown }).errors, [{ code: 131026, title: undefined, details: undefined }]);
    assert.equal(events[1].kind === 'message' && events[1].type, 'unsupported');
  });

  it('reads a text', () => {
    const [event] = whatsappEvents(meta([message({ type: 'text', text: { body: 'hola' } })]), 'cloud');
    assert.deepEqual(event, {
      kind: 'message',
      channel: 'whatsapp',
      provider: 'cloud',
      eventKey: 'whatsapp:message:wamid.IN',
      messageId: 'wamid.IN',
      from: '+34600111222',
      to: 'PNID',
      type: 'text',
      at: '2025-11-21T04:40:00.000Z',
      contextId: undefined,
      text: 'hola',
    });
  });

  it('reads a template quick reply with its payload and context', () => {
    const [event] = whatsappEvents(
      meta([message({ type: 'button', context: { from: '15550001111', id: 'wamid.OUT' }, button: { payload: 'prc_1:accept', text: 'I accept' } })]),
      'cloud',
    );
    assert.equal(event.kind, 'message');
    assert.deepEqual(
      [(event as { type?: string }).type, (event as { buttonPayload?: string }).buttonPayload, (event as { contextId?: string }).contextId],
      ['button', 'prc_1:accept', 'wamid.OUT'],
    );
  });

  it('reads interactive button_reply and list_reply ids', () => {
    for (const interactive of [
      { type: 'button_reply', button_reply: { id: 'prc_1:reject', title: 'No' } },
      { type: 'list_reply', list_reply: { id: 'prc_1:reject', title: 'No' } },
    ]) {
      const [event] = whatsappEvents(meta([message({ type: 'interactive', interactive })]), 'cloud');
      assert.deepEqual([(event as { type?: string }).type, (event as { buttonPayload?: string }).buttonPayload], ['interactive', 'prc_1:reject']);
    }
  });

  it('reads documents and images with media id, type and sha256, and marks other types unsupported', () => {
    const [document] = whatsappEvents(
      meta([message({ type: 'document', document: { id: 'M1', filename: 'dni.pdf', mime_type: 'application/pdf', sha256: 'abc' } })]),
      'cloud',
    );
    assert.deepEqual((document as { document?: object }).document, { mediaId: 'M1', filename: 'dni.pdf', mimeType: 'application/pdf', sha256: 'abc' });
    const [image] = whatsappEvents(meta([message({ type: 'image', image: { id: 'M2', mime_type: 'image/jpeg', sha256: 'def' } })]), 'cloud');
    assert.deepEqual((image as { image?: object }).image, { mediaId: 'M2', mimeType: 'image/jpeg', sha256: 'def' });
    const [sticker] = whatsappEvents(meta([message({ type: 'sticker', sticker: { id: 'S' } })]), 'cloud');
    assert.equal((sticker as { type?: string }).type, 'unsupported');
  });

  it('reads statuses with errors and biz_opaque_callback_data, ignores ones it does not act on, and reads every entry and change', () => {
    const body = meta([
      {
        statuses: [
          {
            id: 'wamid.A',
            status: 'failed',
            timestamp: '1763700000',
            recipient_id: '34600111222',
            biz_opaque_callback_data: 'ver_1',
            errors: [{ code: 131026, title: 'Message undeliverable', error_data: { details: 'not on WhatsApp' } }],
          },
        ],
      },
      { statuses: [{ id: 'wamid.B', status: 'played', timestamp: '1763700000' }] },
    ]);
    body.entry!.push({ id: 'WABA', changes: [{ field: 'messages', value: { statuses: [{ id: 'wamid.C', status: 'read', timestamp: '1763700001' }] } }] });
    const events = whatsappEvents(body, '360dialog');
    assert.deepEqual(
      events.map((e) => e.eventKey),
      ['whatsapp:status:wamid.A:failed', 'whatsapp:status:wamid.C:read'],
    );
    assert.deepEqual((events[0] as { errors?: object[] }).errors, [{ code: 131026, title: 'Message undeliverable', details: 'not on WhatsApp' }]);
    assert.equal((events[0] as { correlationId?: string }).correlationId, 'ver_1');
    assert.equal(events[0].provider, '360dialog');
  });

  it('ignores other fields (e.g. template status updates)', () => {
    assert.deepEqual(whatsappEvents({ entry: [{ changes: [{ field: 'message_template_status_update', value: {} }] }] }, 'cloud'), []);
  });
});

describe('Twilio webhook normalisation', () => {
  it('maps status callbacks onto delivery statuses, with the error code', () => {
    const [sent] = twilioEvents({ MessageSid: 'SM1', MessageStatus: 'sent', To: '+34600111222' }, 'twilio');
    assert.deepEqual([sent.kind, (sent as { status?: string }).status, sent.eventKey], ['status', 'sent', 'twilio:status:SM1:sent']);
    const [undelivered] = twilioEvents({ MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30003' }, 'twilio');
    assert.deepEqual([(undelivered as { status?: string }).status, (undelivered as { errors?: Array<{ code: unknown }> }).errors?.[0].code], ['failed', 30003]);
  });

  it('reads an inbound SMS, and a WhatsApp-over-Twilio button reply', () => {
    const [sms] = twilioEvents({ MessageSid: 'SM2', SmsStatus: 'received', From: '+34600111222', To: '+15005550006', Body: 'STOP' }, 'twilio');
    assert.deepEqual([sms.kind, sms.channel, (sms as { text?: string }).text, (sms as { from?: string }).from], ['message', 'sms', 'STOP', '+34600111222']);
    const [wa] = twilioEvents(
      { MessageSid: 'SM3', SmsStatus: 'received', From: 'whatsapp:+34600111222', To: 'whatsapp:+15550001111', Body: 'Yes', ButtonPayload: 'prc_1:accept' },
      'twilio',
    );
    assert.deepEqual(
      [wa.channel, (wa as { type?: string }).type, (wa as { buttonPayload?: string }).buttonPayload, (wa as { from?: string }).from],
      ['whatsapp', 'button', 'prc_1:accept', '+34600111222'],
    );
  });

  it('ignores callbacks without a message id or with an unknown status', () => {
    assert.deepEqual(twilioEvents({ MessageStatus: 'sent' }, 'twilio'), []);
    assert.deepEqual(twilioEvents({ MessageSid: 'SM4', MessageStatus: 'weird' }, 'twilio'), []);
  });
});

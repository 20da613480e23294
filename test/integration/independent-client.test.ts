// The sandbox must speak Meta's wire format well enough for somebody else's client: an independent
// npm WhatsApp Cloud API client (@kapso/whatsapp-cloud-api, pointed at the sandbox through its
// baseUrl option) sends text, reply buttons and a document, and the handset shows them.
import assert from 'node:assert/strict';
import { WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { SANDBOX_WHATSAPP } from '../../platform/config';
import { eventually, startTestStack, type TestStack } from '../support/stack';

describe('an independent WhatsApp client library against the sandbox', function () {
  let t: TestStack;
  let client: WhatsAppClient;
  const phone = '+34600333444';

  before(async function () {
    this.timeout(120_000);
    t = await startTestStack('pglite');
    client = new WhatsAppClient({ accessToken: SANDBOX_WHATSAPP.accessToken, baseUrl: `${t.url}/sandbox/graph`, graphVersion: 'v23.0' });
  });

  after(async function () {
    this.timeout(30_000);
    await t?.stop();
  });

  const handset = async () =>
    (await t.request('GET', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`, { apiKey: null })).body as Array<{
      id: string;
      type: string;
      text?: string;
      buttons?: Array<{ id: string; title: string }>;
      document?: { filename: string; sha256: string };
    }>;

  it('sends a text (the customer wrote first, so the 24-hour window is open)', async () => {
    const opened = await t.request('POST', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`, { body: { text: 'Hola' }, apiKey: null });
    assert.equal(opened.status, 202);
    const sent = await client.messages.sendText({ phoneNumberId: SANDBOX_WHATSAPP.phoneNumberId, to: phone.slice(1), body: 'Your contract is ready' });
    const id = sent.messages[0].id;
    assert.match(id, /^wamid\./);
    const shown = await eventually(async () => (await handset()).find((m) => m.id === id), 'the text on the handset');
    assert.equal(shown.text, 'Your contract is ready');
  });

  it('sends reply buttons', async () => {
    const sent = await client.messages.sendInteractiveButtons({
      phoneNumberId: SANDBOX_WHATSAPP.phoneNumberId,
      to: phone.slice(1),
      bodyText: 'Do you accept the conditions?',
      buttons: [
        { id: 'prc_1:accept', title: 'I accept' },
        { id: 'prc_1:reject', title: 'I reject' },
      ],
    });
    const shown = await eventually(async () => (await handset()).find((m) => m.id === sent.messages[0].id), 'the buttons on the handset');
    assert.deepEqual(shown.buttons, [
      { id: 'prc_1:accept', title: 'I accept' },
      { id: 'prc_1:reject', title: 'I reject' },
    ]);
  });

  it('uploads a document and sends it by media id', async () => {
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const uploaded = await client.media.upload({
      phoneNumberId: SANDBOX_WHATSAPP.phoneNumberId,
      type: 'application/pdf',
      file: new Blob([pdf], { type: 'application/pdf' }),
      fileName: 'contract.pdf',
    });
    assert.ok(uploaded.id);
    const meta = await client.media.get({ mediaId: uploaded.id });
    assert.equal(meta.mimeType ?? (meta as unknown as { mime_type: string }).mime_type, 'application/pdf');
    const sent = await client.messages.sendDocument({
      phoneNumberId: SANDBOX_WHATSAPP.phoneNumberId,
      to: phone.slice(1),
      document: { id: uploaded.id, filename: 'contract.pdf' },
    });
    const shown = await eventually(async () => (await handset()).find((m) => m.id === sent.messages[0].id), 'the document on the handset');
    const { createHash } = await import('node:crypto');
    assert.equal(shown.document?.filename, 'contract.pdf');
    assert.equal(shown.document?.sha256, createHash('sha256').update(pdf).digest('hex'));
  });

  it('gets Meta’s error envelope back for an invalid send', async () => {
    await assert.rejects(
      client.messages.sendInteractiveButtons({
        phoneNumberId: SANDBOX_WHATSAPP.phoneNumberId,
        to: phone.slice(1),
        bodyText: 'Too many',
        buttons: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, title: `Button ${n}` })),
      }),
      (error: Error) => /131009|100|button/i.test(String((error as { message: string }).message) + JSON.stringify(error)),
    );
  });
});

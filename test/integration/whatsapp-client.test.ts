// Our WhatsApp sender (providers/whatsapp.ts) against the sandbox's Cloud API and 360dialog
// emulations: every message type, media, mark-as-read, and provider errors classified into the kinds
// the workflows act on.
import assert from 'node:assert/strict';
import { SANDBOX_WHATSAPP } from '../../platform/config';
import { ProviderError } from '../../providers/sms';
import { CloudApiClient, classifyGraphError } from '../../providers/whatsapp';
import { eventually, startTestStack, type TestStack } from '../support/stack';

describe('WhatsApp sender (Cloud API and 360dialog) against the sandbox', function () {
  let t: TestStack;
  let cloud: CloudApiClient;
  let dialog: CloudApiClient;
  const phone = '+34600444555';

  before(async function () {
    this.timeout(120_000);
    t = await startTestStack('pglite');
    cloud = new CloudApiClient({
      baseUrl: `${t.url}/sandbox/graph`,
      version: 'v23.0',
      phoneNumberId: SANDBOX_WHATSAPP.phoneNumberId,
      accessToken: SANDBOX_WHATSAPP.accessToken,
      style: 'cloud',
      provider: 'sandbox',
    });
    dialog = new CloudApiClient({
      baseUrl: `${t.url}/sandbox/360dialog`,
      version: 'v23.0',
      accessToken: SANDBOX_WHATSAPP.accessToken,
      style: '360dialog',
      provider: '360dialog',
    });
  });

  afterEach(async () => {
    await t.request('DELETE', '/sandbox/api/faults', { apiKey: null });
  });

  after(async function () {
    this.timeout(30_000);
    await t?.stop();
  });

  const handset = async () =>
    (await t.request('GET', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`, { apiKey: null })).body as Array<Record<string, any>>;
  const shown = (id: string) => eventually(async () => (await handset()).find((m) => m.id === id), `message ${id}`);

  async function expectKind(promise: Promise<unknown>, kind: ProviderError['kind'], code: number) {
    await assert.rejects(promise, (error: unknown) => error instanceof ProviderError && error.kind === kind && error.details.code === code);
  }

  it('sends the authentication template with the code in the body and in the copy-code button', async () => {
    const id = await cloud.sendAuthenticationCode(phone, { name: 'otp_code', language: 'es', code: '482913' }, { correlationId: 'ver_test' });
    const message = await shown(id);
    assert.match(message.text, /482913/);
  });

  it('sends text, reply buttons and a document (uploaded first) inside the 24-hour window', async () => {
    await t.request('POST', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`, { body: { text: 'Hola' }, apiKey: null });
    const text = await cloud.sendText(phone, 'Hola Ana 👋');
    assert.equal((await shown(text)).text, 'Hola Ana 👋');
    const buttons = await cloud.sendButtons(phone, {
      body: '¿Aceptas las condiciones?',
      footer: 'Acme',
      buttons: [
        { id: 'prc_9:accept', title: 'Acepto' },
        { id: 'prc_9:reject', title: 'Rechazo' },
      ],
    });
    assert.deepEqual(
      (await shown(buttons)).buttons.map((b: { id: string }) => b.id),
      ['prc_9:accept', 'prc_9:reject'],
    );
    const mediaId = await cloud.uploadMedia(Buffer.from('%PDF-1.7\n%%EOF\n'), 'application/pdf', 'contrato.pdf');
    const document = await cloud.sendDocument(phone, { mediaId, filename: 'contrato.pdf', caption: 'Contrato C-1' });
    assert.ok(await shown(document));
  });

  it('marks a customer message as read', async () => {
    const sent = await t.request('POST', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`, { body: { text: 'Otra' }, apiKey: null });
    await cloud.markRead(sent.body.id);
  });

  it('speaks 360dialog: D360-API-KEY, no phone number id in the path', async () => {
    const id = await dialog.sendAuthenticationCode(phone, { name: 'otp_code', language: 'en', code: '111222' });
    assert.match((await shown(id)).text, /111222/);
    const wrongKey = new CloudApiClient({
      baseUrl: `${t.url}/sandbox/360dialog`,
      version: 'v23.0',
      accessToken: 'nope',
      style: '360dialog',
      provider: '360dialog',
    });
    await expectKind(wrongKey.sendText(phone, 'x'), 'auth', 190);
  });

  it('classifies errors: token (190) → auth, unknown template (132001) and bad parameters → rejected, throughput (130429) → retryable', async () => {
    const badToken = new CloudApiClient({
      baseUrl: `${t.url}/sandbox/graph`,
      version: 'v23.0',
      phoneNumberId: SANDBOX_WHATSAPP.phoneNumberId,
      accessToken: 'expired',
      style: 'cloud',
      provider: 'sandbox',
    });
    await expectKind(badToken.sendText(phone, 'x'), 'auth', 190);
    await expectKind(cloud.sendAuthenticationCode(phone, { name: 'no_such_template', language: 'es', code: '123456' }), 'rejected', 132001);
    await expectKind(cloud.sendButtons(phone, { body: 'x', buttons: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, title: `B${n}` })) }), 'rejected', 131009);
    await t.request('POST', '/sandbox/api/faults', { body: { failNext: { count: 1, code: 130429 } }, apiKey: null });
    await expectKind(cloud.sendText(phone, 'x'), 'retryable', 130429);
    await t.request('POST', '/sandbox/api/faults', { body: { failNext: { count: 1, code: 131000 } }, apiKey: null });
    await expectKind(cloud.sendText(phone, 'x'), 'retryable', 131000);
  });

  it('maps the switch-path codes: 131047 → template required, 131026 → not on WhatsApp', () => {
    assert.equal(classifyGraphError(131047, 400), 'template_required');
    assert.equal(classifyGraphError(131026, 400), 'not_on_whatsapp');
    assert.equal(classifyGraphError(131056, 400), 'retryable');
    assert.equal(classifyGraphError(100, 400), 'rejected');
    assert.equal(classifyGraphError(99999, 503), 'retryable');
  });
});

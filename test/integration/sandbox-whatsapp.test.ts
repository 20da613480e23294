// The sandbox's WhatsApp Cloud API emulator, driven over HTTP like the app's production client and
// a tester would: Graph API requests and error codes, the template catalogue, media, 360dialog
// mode, the control API, and the webhooks it posts (captured by a local receiver so these tests do
// not depend on the app's webhook handler).
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { SANDBOX_WHATSAPP } from '../../platform/config';
import { sandboxPlugin } from '../../sandbox';
import { SandboxStore } from '../../sandbox/store';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const V = 'v23.0';
const { phoneNumberId: PNID, accessToken: TOKEN, appSecret: SECRET, wabaId: WABA } = SANDBOX_WHATSAPP;
const BUSINESS_WA_ID = SANDBOX_WHATSAPP.displayNumber.slice(1);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

let phoneCounter = 0;
/** A valid Spanish mobile number, new for each use so handsets never mix. */
function newPhone(): string {
  phoneCounter += 1;
  return `+346${String(Date.now() % 1e5).padStart(5, '0')}${String(phoneCounter).padStart(3, '0')}`;
}

interface Response {
  status: number;
  headers: Headers;
  body: any;
}

async function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; form?: FormData; headers?: Record<string, string>; token?: string | null } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

const text = (to: string, body: string, extra: object = {}) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body }, ...extra });
const otp = (to: string, code: string, buttonCode = code, language = 'en') => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: {
    name: 'otp_code',
    language: { code: language },
    components: [
      { type: 'body', parameters: [{ type: 'text', text: code }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: buttonCode }] },
    ],
  },
});
const optIn = (to: string, payloads?: [string, string]) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: {
    name: 'opt_in_request',
    language: { code: 'en' },
    components: [
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Acme Bank' },
          { type: 'text', text: 'C-2026-0042' },
        ],
      },
      ...(payloads ?? []).map((payload, index) => ({
        type: 'button',
        sub_type: 'quick_reply',
        index: String(index),
        parameters: [{ type: 'payload', payload }],
      })),
    ],
  },
});
const buttons = (to: string, list: Array<[string, string]>, body = 'Do you accept the conditions?') => ({
  messaging_product: 'whatsapp',
  to,
  type: 'interactive',
  interactive: { type: 'button', body: { text: body }, action: { buttons: list.map(([id, title]) => ({ type: 'reply', reply: { id, title } })) } },
});

function assertGraphError(response: Response, code: number, status = 400): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  const { error } = response.body;
  assert.equal(error.code, code);
  assert.equal(error.type, 'OAuthException');
  assert.match(error.message, new RegExp(`^\\(#${code}\\) \\S`));
  assert.equal(error.error_data.messaging_product, 'whatsapp');
  assert.equal(typeof error.error_data.details, 'string');
  assert.ok(error.fbtrace_id.length > 10);
}

// ---- a webhook receiver standing in for the app

interface Delivery {
  raw: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** the HTTP status to answer a POST with */
  respond: (raw: string) => number;
  statuses(phone: string): any[];
  messages(phone: string): any[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = receiver.respond(raw);
      if (status < 300) deliveries.push({ raw, headers: request.headers, body: JSON.parse(raw) });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const values = () => deliveries.flatMap((d) => d.body.entry.flatMap((e: any) => e.changes.map((c: any) => c.value)));
  const receiver: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`,
    deliveries,
    respond: () => 200,
    statuses: (phone) =>
      values()
        .flatMap((v: any) => v.statuses ?? [])
        .filter((s: any) => s.recipient_id === phone.slice(1)),
    messages: (phone) =>
      values()
        .flatMap((v: any) => v.messages ?? [])
        .filter((m: any) => m.from === phone.slice(1)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return receiver;
}

/** A Fastify app with only the sandbox, posting its webhooks to the receiver; the clock can be moved. */
async function startSandbox(receiver: Receiver, clock: { offsetMs: number }, store = new SandboxStore()) {
  const app: FastifyInstance = Fastify();
  await app.register(sandboxPlugin, {
    prefix: '/sandbox',
    store,
    twilio: { accountSid: 'AC0', authToken: 'x', inboundWebhookUrl: `${receiver.url}/sms`, businessNumber: '+15005550006' },
    whatsapp: {
      ...SANDBOX_WHATSAPP,
      webhookUrl: receiver.url,
      statusDelayMs: 5,
      retryDelaysMs: [20, 40, 80, 160],
      clock: () => new Date(Date.now() + clock.offsetMs),
    },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

async function customerSends(base: string, phone: string, body: object): Promise<string> {
  const response = await call(base, 'POST', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`, { body, token: null });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  assert.match(response.body.id, /^wamid\./);
  return response.body.id;
}

async function handset(base: string, phone: string): Promise<any[]> {
  const response = await call(base, 'GET', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`, { token: null });
  assert.equal(response.status, 200);
  return response.body;
}

const statusesOf = (receiver: Receiver, phone: string, wamid: string) => receiver.statuses(phone).filter((s) => s.id === wamid);

async function waitForStatuses(receiver: Receiver, phone: string, wamid: string, count: number): Promise<any[]> {
  return eventually(async () => {
    const found = statusesOf(receiver, phone, wamid);
    return found.length >= count ? found : undefined;
  }, `${count} status webhooks for ${wamid}`);
}

describe('sandbox WhatsApp emulator, mounted in the app (pglite)', function () {
  let t: TestStack;
  let base: string;

  before(async function () {
    this.timeout(120_000);
    t = await startTestStack('pglite');
    base = t.url;
  });

  after(async function () {
    this.timeout(30_000);
    await t?.stop();
  });

  const send = (body: unknown, options: { token?: string | null } = {}) => call(base, 'POST', `/sandbox/graph/${V}/${PNID}/messages`, { body, ...options });

  describe('authentication and addressing', () => {
    it('answers 401 with error 190 without the bearer token or with a wrong one', async () => {
      for (const token of [null, 'wrong-token']) assertGraphError(await send(text(newPhone(), 'hi'), { token }), 190, 401);
    });

    it('answers error 100 for a phone number id it does not know, and 2500 for a path that is not the Graph API', async () => {
      assertGraphError(await call(base, 'POST', `/sandbox/graph/${V}/999/messages`, { body: text(newPhone(), 'hi') }), 100);
      assertGraphError(await call(base, 'POST', `/sandbox/graph/latest/${PNID}/messages`, { body: text(newPhone(), 'hi') }), 2500);
      assertGraphError(await call(base, 'GET', `/sandbox/graph/${V}/${PNID}/nothing/here`), 2500);
    });
  });

  describe('validation, with Meta’s codes', () => {
    const to = '+34600111222';
    const cases: Array<[string, unknown, number]> = [
      ['a body that is not an object', [1, 2], 100],
      ['no messaging_product', { to, type: 'text', text: { body: 'x' } }, 100],
      ['another messaging_product', { ...text(to, 'x'), messaging_product: 'sms' }, 100],
      ['no recipient', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 100],
      ['a recipient that is not a phone number', text('34-600-ABC', 'x'), 131009],
      ['a recipient that is not a valid number', text('+3400000', 'x'), 131009],
      ['the business’s own number', text(BUSINESS_WA_ID, 'x'), 131021],
      ['an unknown type', { messaging_product: 'whatsapp', to, type: 'fax' }, 100],
      ['a text without body', { messaging_product: 'whatsapp', to, type: 'text', text: {} }, 100],
      ['a text over 4096 characters', text(to, 'x'.repeat(4097)), 100],
      [
        '4 reply buttons',
        buttons(to, [
          ['a', 'A'],
          ['b', 'B'],
          ['c', 'C'],
          ['d', 'D'],
        ]),
        131009,
      ],
      ['no reply buttons', buttons(to, []), 131009],
      ['a button title over 20 characters', buttons(to, [['a', 'x'.repeat(21)]]), 131009],
      ['a button id over 256 characters', buttons(to, [['x'.repeat(257), 'A']]), 131009],
      [
        'two buttons with one title',
        buttons(to, [
          ['a', 'Same'],
          ['b', 'Same'],
        ]),
        131009,
      ],
      ['an interactive body over 1024 characters', buttons(to, [['a', 'A']], 'x'.repeat(1025)), 131009],
      [
        'an interactive message without body',
        { messaging_product: 'whatsapp', to, type: 'interactive', interactive: { type: 'button', action: { buttons: [] } } },
        131008,
      ],
      [
        'a document with both id and link',
        { messaging_product: 'whatsapp', to, type: 'document', document: { id: '1', link: 'https://x.example/a.pdf' } },
        100,
      ],
      ['a document with neither id nor link', { messaging_product: 'whatsapp', to, type: 'document', document: { filename: 'a.pdf' } }, 100],
      [
        'a document caption over 1024 characters',
        { messaging_product: 'whatsapp', to, type: 'document', document: { id: '1', caption: 'x'.repeat(1025) } },
        100,
      ],
      ['a read receipt without message_id', { messaging_product: 'whatsapp', status: 'read' }, 100],
      ['a read receipt for a message the number never received', { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.nope' }, 100],
    ];
    for (const [name, body, code] of cases) {
      it(`${code} for ${name}`, async () => assertGraphError(await send(body), code));
    }

    it('accepts the recipient with or without +, and answers in Meta’s success shape with unique wamids', async () => {
      const phone = newPhone();
      const ids = new Set<string>();
      for (const to of [phone, phone.slice(1), phone, phone.slice(1)]) {
        const response = await send(optIn(to));
        assert.equal(response.status, 200, JSON.stringify(response.body));
        assert.deepEqual(Object.keys(response.body), ['messaging_product', 'contacts', 'messages']);
        assert.equal(response.body.messaging_product, 'whatsapp');
        assert.deepEqual(response.body.contacts, [{ input: to, wa_id: phone.slice(1) }]);
        assert.equal(response.body.messages.length, 1);
        assert.match(response.body.messages[0].id, /^wamid\.[A-Za-z0-9+/=]{40,}$/);
        ids.add(response.body.messages[0].id);
      }
      assert.equal(ids.size, 4);
      assert.deepEqual(
        (await handset(base, phone)).map((m) => m.id),
        [...ids],
      );
    });
  });

  describe('templates', () => {
    it('lists the catalogue in Meta’s shape, with the authentication template’s copy-code button read back as URL', async () => {
      const response = await call(base, 'GET', `/sandbox/graph/${V}/${WABA}/message_templates`);
      assert.equal(response.status, 200);
      const names = response.body.data.map((t: any) => `${t.name}/${t.language}`);
      for (const expected of ['otp_code/en', 'otp_code/es', 'opt_in_request/en', 'opt_in_request/es', 'process_reminder/en', 'process_reminder/es'])
        assert.ok(names.includes(expected), expected);
      const auth = response.body.data.find((t: any) => t.name === 'otp_code' && t.language === 'en');
      assert.equal(auth.category, 'AUTHENTICATION');
      assert.equal(auth.status, 'APPROVED');
      assert.match(auth.id, /^\d{16,}$/);
      assert.equal(auth.components.find((c: any) => c.type === 'BUTTONS').buttons[0].type, 'URL');
      const optInTemplate = response.body.data.find((t: any) => t.name === 'opt_in_request' && t.language === 'en');
      assert.deepEqual(
        optInTemplate.components.find((c: any) => c.type === 'BUTTONS').buttons.map((b: any) => b.type),
        ['QUICK_REPLY', 'QUICK_REPLY'],
      );
      const filtered = await call(base, 'GET', `/sandbox/graph/${V}/${WABA}/message_templates?name=process_reminder`);
      assert.deepEqual(
        filtered.body.data.map((t: any) => t.name),
        ['process_reminder', 'process_reminder'],
      );
      assertGraphError(await call(base, 'GET', `/sandbox/graph/${V}/${WABA}/message_templates`, { token: null }), 190, 401);
    });

    it('132001 (404) for an unknown template or a language it has no translation in', async () => {
      assertGraphError(await send({ ...optIn('+34600111222'), template: { name: 'nope', language: { code: 'en' } } }), 132001, 404);
      assertGraphError(await send(otp('+34600111222', '123456', '123456', 'fr')), 132001, 404);
    });

    it('132000 when the parameter count does not match, per component', async () => {
      const body = optIn('+34600111222') as any;
      body.template.components[0].parameters.pop();
      assertGraphError(await send(body), 132000);
      const reminder = {
        messaging_product: 'whatsapp',
        to: '+34600111222',
        type: 'template',
        template: { name: 'process_reminder', language: { code: 'es' } },
      };
      const missing = await send(reminder);
      assertGraphError(missing, 132000);
      assert.match(missing.body.error.error_data.details, /body: number of localizable_params \(0\) does not match the expected number of params \(1\)/);
      const withoutButton = otp('+34600111222', '123456') as any;
      withoutButton.template.components.pop();
      assertGraphError(await send(withoutButton), 132000);
    });

    it('131009 when the authentication code differs between body and button, or is longer than 15 characters', async () => {
      assertGraphError(await send(otp('+34600111222', '123456', '654321')), 131009);
      assertGraphError(await send(otp('+34600111222', '1234567890123456')), 131009);
    });

    it('refuses line breaks in parameters (100), as Meta does', async () => {
      const body = optIn('+34600111222') as any;
      body.template.components[0].parameters[0].text = 'Acme\nBank';
      assertGraphError(await send(body), 100);
    });

    it('checks a document header: missing is 132000, another kind is 132012; the handset shows the document with the text', async () => {
      const phone = newPhone();
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', 'application/pdf');
      form.set('file', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'contract.pdf');
      const media = (await call(base, 'POST', `/sandbox/graph/${V}/${PNID}/media`, { form })).body.id;
      const documentsReady = (header?: object) => ({
        messaging_product: 'whatsapp',
        to: phone,
        type: 'template',
        template: {
          name: 'documents_ready',
          language: { code: 'es' },
          components: [
            ...(header ? [{ type: 'header', parameters: [header] }] : []),
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Acme Bank' },
                { type: 'text', text: 'C-7' },
              ],
            },
          ],
        },
      });
      assertGraphError(await send(documentsReady()), 132000);
      assertGraphError(await send(documentsReady({ type: 'text', text: 'hello' })), 132012);
      const sent = await send(documentsReady({ type: 'document', document: { id: media, filename: 'C-7.pdf' } }));
      assert.equal(sent.status, 200);
      const shown = await eventually(async () => (await handset(base, phone)).find((m) => m.document), 'the template’s document');
      assert.equal(shown.document.filename, 'C-7.pdf');
      assert.match(shown.text, /^Acme Bank te ha enviado los documentos de C-7\./);
      assert.deepEqual(
        shown.buttons.map((b: any) => b.title),
        ['Recibidos y revisados', 'No los he recibido'],
      );
    });

    it('renders templates on the handset: the code with its security line and expiry, quick replies with their payloads', async () => {
      const phone = newPhone();
      assert.equal((await send(otp(phone, '482913'))).status, 200);
      assert.equal((await send(otp(phone, '771100', '771100', 'es'))).status, 200);
      assert.equal((await send(optIn(phone, ['prc_1:opt_in_yes', 'prc_1:opt_in_no']))).status, 200);
      const [en, es, quick] = await handset(base, phone);
      assert.equal(en.from, 'business');
      assert.equal(en.type, 'template');
      assert.equal(en.text, '*482913* is your verification code. For your security, do not share this code.\nThis code expires in 10 minutes.');
      assert.deepEqual(en.buttons, [{ id: 'copy_code', title: 'Copy code', copyCode: '482913' }]);
      assert.match(es.text, /^\*771100\* es tu código de verificación\./);
      assert.match(quick.text, /^Acme Bank would like to send you the documents of C-2026-0042 over WhatsApp/);
      assert.deepEqual(quick.buttons, [
        { id: 'prc_1:opt_in_yes', title: 'Yes, I agree' },
        { id: 'prc_1:opt_in_no', title: 'No' },
      ]);
    });
  });

  describe('media', () => {
    const upload = (options: { bytes?: Buffer; type?: string; product?: string; token?: string | null; path?: string } = {}) => {
      const form = new FormData();
      if (options.product !== '') form.set('messaging_product', options.product ?? 'whatsapp');
      form.set('type', options.type ?? 'application/pdf');
      form.set('file', new Blob([new Uint8Array(options.bytes ?? PDF)], { type: options.type ?? 'application/pdf' }), 'contract.pdf');
      return call(base, 'POST', options.path ?? `/sandbox/graph/${V}/${PNID}/media`, { form, token: options.token });
    };

    it('uploads, describes, serves only with the token, and deletes', async () => {
      const uploaded = await upload();
      assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
      assert.match(uploaded.body.id, /^\d{15,16}$/);
      const info = await call(base, 'GET', `/sandbox/graph/${V}/${uploaded.body.id}`);
      assert.equal(info.status, 200);
      assert.deepEqual(
        { ...info.body, url: undefined },
        {
          messaging_product: 'whatsapp',
          url: undefined,
          mime_type: 'application/pdf',
          sha256: createHash('sha256').update(PDF).digest('hex'),
          file_size: PDF.length,
          id: uploaded.body.id,
        },
      );

      const withToken = await fetch(info.body.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(withToken.status, 200);
      assert.equal(withToken.headers.get('content-type'), 'application/pdf');
      assert.deepEqual(Buffer.from(await withToken.arrayBuffer()), PDF);
      assert.equal((await fetch(info.body.url)).status, 401);
      assert.equal((await fetch(info.body.url, { headers: { authorization: 'Bearer wrong' } })).status, 401);

      assert.deepEqual((await call(base, 'DELETE', `/sandbox/graph/${V}/${uploaded.body.id}`)).body, { success: true });
      assertGraphError(await call(base, 'GET', `/sandbox/graph/${V}/${uploaded.body.id}`), 100);
      assertGraphError(await call(base, 'DELETE', `/sandbox/graph/${V}/${uploaded.body.id}`), 100);
      assert.equal((await fetch(info.body.url, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
    });

    it('refuses uploads without the token, without messaging_product, of an unsupported type, or that are not multipart', async () => {
      assertGraphError(await upload({ token: null }), 190, 401);
      assertGraphError(await upload({ product: '' }), 100);
      assertGraphError(await upload({ type: 'application/x-msdownload' }), 100);
      assertGraphError(await call(base, 'POST', `/sandbox/graph/${V}/${PNID}/media`, { body: { file: 'x' } }), 100);
    });

    it('puts an uploaded document on the handset with its name, hash and a download link', async () => {
      const phone = newPhone();
      const { body } = await upload();
      await customerSends(base, phone, { text: 'hello' }); // opens the 24-hour window
      const sent = await send({
        messaging_product: 'whatsapp',
        to: phone,
        type: 'document',
        document: { id: body.id, filename: 'C-2026-0042.pdf', caption: 'Your contract' },
      });
      assert.equal(sent.status, 200);
      const document = await eventually(
        async () => (await handset(base, phone)).find((m) => m.id === sent.body.messages[0].id && m.document)?.document,
        'the document on the handset',
      );
      assert.equal(document.filename, 'C-2026-0042.pdf');
      assert.equal(document.sha256, createHash('sha256').update(PDF).digest('hex'));
      const download = await fetch(document.url);
      assert.equal(download.status, 200);
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), PDF);
    });
  });

  describe('360dialog mode', () => {
    const d360 = (method: string, path: string, options: { body?: unknown; form?: FormData; key?: string } = {}) =>
      call(base, method, `/sandbox/360dialog${path}`, { ...options, token: null, headers: options.key === '' ? {} : { 'D360-API-KEY': options.key ?? TOKEN } });

    it('sends with D360-API-KEY and no phone number id in the path, with the same bodies and errors', async () => {
      const phone = newPhone();
      const sent = await d360('POST', '/messages', { body: otp(phone, '123456') });
      assert.equal(sent.status, 200);
      assert.deepEqual(sent.body.contacts, [{ input: phone, wa_id: phone.slice(1) }]);
      assert.equal((await handset(base, phone))[0].id, sent.body.messages[0].id);
      assertGraphError(await d360('POST', '/messages', { body: otp(phone, '123456', '1') }), 131009);
      assertGraphError(await d360('POST', '/messages', { body: otp(phone, '123456'), key: '' }), 190, 401);
      assertGraphError(await d360('POST', '/messages', { body: otp(phone, '123456'), key: 'wrong' }), 190, 401);
      // a Graph bearer token is not a 360dialog key
      assertGraphError(await call(base, 'POST', '/sandbox/360dialog/messages', { body: otp(phone, '123456') }), 190, 401);
    });

    it('uploads, describes, downloads and deletes media under /media', async () => {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', 'application/pdf');
      form.set('file', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'a.pdf');
      const uploaded = await d360('POST', '/media', { form });
      assert.equal(uploaded.status, 200);
      const info = await d360('GET', `/media/${uploaded.body.id}`);
      assert.equal(info.body.file_size, PDF.length);
      assert.match(info.body.url, /\/sandbox\/360dialog\/whatsapp_business\/attachments\/\?mid=/);
      const bytes = await fetch(info.body.url, { headers: { 'D360-API-KEY': TOKEN } });
      assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), PDF);
      assert.equal((await fetch(info.body.url)).status, 401);
      assert.deepEqual((await d360('DELETE', `/media/${uploaded.body.id}`)).body, { success: true });
      assertGraphError(await d360('GET', `/media/${uploaded.body.id}`), 100);
    });
  });

  describe('control API', () => {
    it('lists handsets with WhatsApp activity and describes one', async () => {
      const phone = newPhone();
      await send(otp(phone, '123456'));
      assert.ok((await call(base, 'GET', '/sandbox/api/phones', { token: null })).body.includes(phone));
      const info = await call(base, 'GET', `/sandbox/api/phones/${encodeURIComponent(phone)}`, { token: null });
      assert.deepEqual(info.body, { phone, onWhatsApp: true, windowExpiresAt: null, typing: false });
      await customerSends(base, phone, { text: 'hi' });
      const open = await call(base, 'GET', `/sandbox/api/phones/${encodeURIComponent(phone)}`, { token: null });
      assert.ok(Date.parse(open.body.windowExpiresAt) > Date.now() + 23 * 3600_000);
    });

    it('answers problems for a bad number, a bad body, an unknown button, and a copy-code tap', async () => {
      const phone = newPhone();
      await send(otp(phone, '123456'));
      const path = `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`;
      const badPhone = await call(base, 'GET', '/sandbox/api/phones/600111222/messages', { token: null });
      assert.equal(badPhone.status, 400);
      assert.equal(badPhone.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const badBody = await call(base, 'POST', path, { body: { text: 'a', buttonId: 'b' }, token: null });
      assert.equal(badBody.status, 400);
      assert.equal(badBody.body.type, 'urn:testigo:problem:validation-error');
      assert.equal((await call(base, 'POST', path, { body: { buttonId: 'nope' }, token: null })).status, 404);
      assert.equal((await call(base, 'POST', path, { body: { buttonId: 'copy_code', contextId: 'wamid.unknown' }, token: null })).status, 404);
      await eventually(async () => ((await handset(base, phone))[0].status === 'read' ? true : undefined), 'the code read');
      const copy = await call(base, 'POST', path, { body: { buttonId: 'copy_code' }, token: null });
      assert.equal(copy.status, 400);
      assert.match(copy.body.detail, /copies the code/);
    });

    it('sets, shows and resets fault switches, validating them', async () => {
      const set = await call(base, 'POST', '/sandbox/api/faults', {
        body: { notOnWhatsApp: ['34600999888'], failNext: { code: 131000 }, duplicateWebhooks: 2 },
        token: null,
      });
      assert.equal(set.status, 200);
      assert.deepEqual(set.body.notOnWhatsApp, ['+34600999888']);
      assert.deepEqual(set.body.failNext, { code: 131000, count: 1 });
      assert.equal(set.body.duplicateWebhooks, 2);
      assert.deepEqual((await call(base, 'GET', '/sandbox/api/faults', { token: null })).body, set.body);
      const bad = await call(base, 'POST', '/sandbox/api/faults', { body: { duplicateWebhooks: 0, colour: 'red' }, token: null });
      assert.equal(bad.status, 400);
      const reset = await call(base, 'DELETE', '/sandbox/api/faults', { token: null });
      assert.deepEqual(reset.body, {
        notOnWhatsApp: [],
        failNext: null,
        duplicateWebhooks: 1,
        reorderStatuses: false,
        batchWebhooks: false,
        batchWindowMs: 25,
        autoRead: true,
        throughputPerSecond: null,
        pairPerSixSeconds: null,
        statusDelayMs: null,
      });
    });
  });
});

describe('sandbox WhatsApp emulator webhooks (sandbox-only app, local receiver)', function () {
  let receiver: Receiver;
  let sandbox: { app: FastifyInstance; url: string };
  const clock = { offsetMs: 0 };
  let base: string;

  before(async () => {
    receiver = await startReceiver();
    sandbox = await startSandbox(receiver, clock);
    base = sandbox.url;
  });

  after(async () => {
    await sandbox?.app.close();
    await receiver?.close();
  });

  afterEach(async () => {
    receiver.respond = () => 200;
    receiver.deliveries.length = 0;
    clock.offsetMs = 0;
    await call(base, 'DELETE', '/sandbox/api/faults', { token: null });
  });

  const send = (body: unknown) => call(base, 'POST', `/sandbox/graph/${V}/${PNID}/messages`, { body });
  const faults = (body: object) => call(base, 'POST', '/sandbox/api/faults', { body, token: null });
  const wamidOf = (response: Response) => {
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.messages[0].id as string;
  };

  it('reports sent → delivered → read, echoing biz_opaque_callback_data, with conversation and pricing on the first two', async () => {
    const phone = newPhone();
    const wamid = wamidOf(await send({ ...otp(phone, '123456'), biz_opaque_callback_data: 'ver_123' }));
    const statuses = await waitForStatuses(receiver, phone, wamid, 3);
    assert.deepEqual(
      statuses.map((s) => s.status),
      ['sent', 'delivered', 'read'],
    );
    for (const status of statuses) {
      assert.equal(status.biz_opaque_callback_data, 'ver_123');
      assert.equal(status.recipient_id, phone.slice(1));
      assert.match(status.timestamp, /^\d{10}$/);
    }
    const [sent, delivered, read] = statuses;
    assert.deepEqual(sent.pricing, { billable: true, pricing_model: 'PMP', type: 'regular', category: 'authentication' });
    assert.equal(sent.conversation.origin.type, 'authentication');
    assert.match(sent.conversation.expiration_timestamp, /^\d{10}$/);
    assert.equal(delivered.conversation.id, sent.conversation.id);
    assert.equal(delivered.conversation.expiration_timestamp, undefined);
    assert.equal(read.pricing, undefined);
    assert.equal(read.conversation, undefined);
    const { body } = receiver.deliveries.find((d) => d.raw.includes('"status":"sent"'))!;
    assert.equal(body.object, 'whatsapp_business_account');
    assert.equal(body.entry[0].id, WABA);
    assert.equal(body.entry[0].changes[0].field, 'messages');
    assert.deepEqual(body.entry[0].changes[0].value.metadata, { display_phone_number: BUSINESS_WA_ID, phone_number_id: PNID });
    assert.equal(body.entry[0].changes[0].value.messaging_product, 'whatsapp');
    assert.equal((await handset(base, phone))[0].status, 'read');
  });

  it('signs the exact bytes, which escape non-ASCII as \\uXXXX like Meta (a re-serialised body would not verify)', async () => {
    const phone = newPhone();
    const id = await customerSends(base, phone, { text: 'Añadir 😀 contrato', profileName: 'Ana García' });
    const delivery = await eventually(async () => receiver.deliveries.find((d) => d.raw.includes(id.replace(/\//g, '\\/'))), 'the inbound webhook');
    assert.equal(delivery.headers['content-type'], 'application/json');
    const expected = `sha256=${createHmac('sha256', SECRET).update(Buffer.from(delivery.raw, 'utf8')).digest('hex')}`;
    assert.equal(delivery.headers['x-hub-signature-256'], expected);
    assert.match(delivery.raw, /"body":"A\\u00f1adir \\ud83d\\ude00 contrato"/);
    assert.match(delivery.raw, /"name":"Ana Garc\\u00eda"/);
    assert.ok(/^[\x20-\x7e]*$/.test(delivery.raw), 'the body is pure ASCII');
    const reserialised = JSON.stringify(JSON.parse(delivery.raw));
    assert.notEqual(`sha256=${createHmac('sha256', SECRET).update(reserialised).digest('hex')}`, expected);

    const [message] = receiver.messages(phone);
    assert.deepEqual(message, { from: phone.slice(1), id, timestamp: message.timestamp, type: 'text', text: { body: 'Añadir 😀 contrato' } });
    assert.deepEqual(delivery.body.entry[0].changes[0].value.contacts, [{ profile: { name: 'Ana García' }, wa_id: phone.slice(1) }]);
    await eventually(async () => ((await handset(base, phone))[0].status === 'delivered' ? true : undefined), 'the customer’s message delivered to the app');
  });

  it('fails free-form messages outside the 24-hour window with 131047 after a 200, and delivers them inside it', async () => {
    const phone = newPhone();
    const outside = wamidOf(await send(text(phone, 'Your contract is ready')));
    const [failed] = await waitForStatuses(receiver, phone, outside, 1);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.errors[0].code, 131047);
    assert.equal(failed.errors[0].title, 'Re-engagement message');
    assert.ok(failed.errors[0].error_data.details.length > 10);
    assert.ok(failed.errors[0].href);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(statusesOf(receiver, phone, outside).length, 1, 'nothing after failed');
    const shown = (await handset(base, phone)).find((m) => m.id === outside);
    assert.equal(shown.status, 'failed');
    assert.deepEqual(shown.error, { code: 131047, title: 'Re-engagement message' });

    await customerSends(base, phone, { text: 'hola' });
    const inside = wamidOf(await send(buttons(phone, [['yes', 'Yes']])));
    const statuses = await waitForStatuses(receiver, phone, inside, 3);
    assert.deepEqual(
      statuses.map((s) => s.status),
      ['sent', 'delivered', 'read'],
    );
    assert.deepEqual(statuses[0].pricing, { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' });

    clock.offsetMs = 24 * 3600_000 + 1000; // a day later, without a word from the customer
    const late = wamidOf(await send(text(phone, 'Still there?')));
    assert.equal((await waitForStatuses(receiver, phone, late, 1))[0].errors[0].code, 131047);
    const template = wamidOf(await send(otp(phone, '123456')));
    assert.equal((await waitForStatuses(receiver, phone, template, 1))[0].status, 'sent');
  });

  it('accepts messages to a number not on WhatsApp, then reports them failed with 131026', async () => {
    const phone = newPhone();
    await faults({ notOnWhatsApp: [phone] });
    const wamid = wamidOf(await send(otp(phone, '123456')));
    const [failed] = await waitForStatuses(receiver, phone, wamid, 1);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.errors[0].code, 131026);
    const info = await call(base, 'GET', `/sandbox/api/phones/${encodeURIComponent(phone)}`, { token: null });
    assert.equal(info.body.onWhatsApp, false);
    assert.equal((await call(base, 'POST', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`, { body: { text: 'hi' }, token: null })).status, 409);
  });

  it('fails the next N sends with the injected error, then recovers', async () => {
    await faults({ failNext: { count: 2, code: 131000 } });
    const phone = newPhone();
    assertGraphError(await send(otp(phone, '123456')), 131000, 500);
    assertGraphError(await send(otp(phone, '123456')), 131000, 500);
    assert.equal((await send(otp(phone, '123456'))).status, 200);
    await faults({ failNext: { code: 131056, details: 'slow down' } });
    const pair = await send(otp(phone, '123456'));
    assertGraphError(pair, 131056, 429);
    assert.equal(pair.body.error.error_data.details, 'slow down');
    assert.equal((await handset(base, phone)).length, 1, 'refused sends never reach the handset');
  });

  it('limits throughput per number (130429) and per customer (131056) when switched on', async () => {
    await faults({ throughputPerSecond: 2 });
    assert.equal((await send(otp(newPhone(), '1'))).status, 200);
    assert.equal((await send(otp(newPhone(), '2'))).status, 200);
    assertGraphError(await send(otp(newPhone(), '3')), 130429, 429);
    await faults({ throughputPerSecond: null, pairPerSixSeconds: 1 });
    const phone = newPhone();
    assert.equal((await send(otp(phone, '1'))).status, 200);
    assertGraphError(await send(otp(phone, '2')), 131056, 429);
    assert.equal((await send(otp(newPhone(), '3'))).status, 200);
  });

  it('delivers every webhook N times, byte for byte, when duplicateWebhooks is set', async () => {
    await faults({ duplicateWebhooks: 3, autoRead: false });
    const phone = newPhone();
    const wamid = wamidOf(await send(otp(phone, '123456')));
    const statuses = await waitForStatuses(receiver, phone, wamid, 6);
    await new Promise((r) => setTimeout(r, 60));
    // copies of one POST and the next event may interleave, as Meta's redeliveries do
    assert.deepEqual(
      statusesOf(receiver, phone, wamid)
        .map((s) => s.status)
        .sort(),
      ['delivered', 'delivered', 'delivered', 'sent', 'sent', 'sent'],
    );
    const sentCopies = receiver.deliveries.filter((d) => d.raw.includes('"status":"sent"') && d.raw.includes(phone.slice(1)));
    assert.equal(sentCopies.length, 3);
    assert.equal(new Set(sentCopies.map((d) => d.raw)).size, 1);
    assert.equal(new Set(sentCopies.map((d) => d.headers['x-hub-signature-256'])).size, 1);
    assert.equal(statuses.length, 6);
  });

  it('posts a message’s statuses last-first when reorderStatuses is set', async () => {
    await faults({ reorderStatuses: true });
    const phone = newPhone();
    const wamid = wamidOf(await send(otp(phone, '123456')));
    const statuses = await waitForStatuses(receiver, phone, wamid, 3);
    assert.deepEqual(
      statuses.map((s) => s.status),
      ['read', 'delivered', 'sent'],
    );
  });

  it('batches events of a short window into one POST over several entries and changes', async () => {
    // a window wide enough that a loaded machine still puts the three `sent` statuses in one POST
    await faults({ batchWebhooks: true, batchWindowMs: 400, statusDelayMs: 1000, autoRead: false });
    const phones = [newPhone(), newPhone(), newPhone()];
    for (const phone of phones) wamidOf(await send(otp(phone, '123456')));
    await eventually(async () => (phones.every((p) => receiver.statuses(p).length === 2) ? true : undefined), 'sent and delivered for each');
    const ours = receiver.deliveries.filter((d) => phones.some((p) => d.raw.includes(p.slice(1))));
    const batch = ours.find((d) => d.body.entry.flatMap((e: any) => e.changes).length === 3);
    assert.ok(batch, `one POST with the three "sent" statuses; got ${ours.map((d) => d.body.entry.flatMap((e: any) => e.changes).length)}`);
    assert.equal(batch.body.entry.length, 2);
    assert.deepEqual(
      batch.body.entry.map((e: any) => e.id),
      [WABA, WABA],
    );
    assert.deepEqual(
      batch.body.entry.flatMap((e: any) => e.changes.map((c: any) => c.value.statuses[0].status)),
      ['sent', 'sent', 'sent'],
    );
    assert.ok(ours.length <= 3, 'six events in at most three POSTs');
  });

  it('retries a webhook the app answered with 500, with the same bytes, until it gets a 2xx', async () => {
    const phone = newPhone();
    const attempts: string[] = [];
    receiver.respond = (raw) => {
      if (!raw.includes(phone.slice(1))) return 200;
      attempts.push(raw);
      return attempts.length <= 2 ? 500 : 200;
    };
    const id = await customerSends(base, phone, { text: 'retry me' });
    await eventually(async () => receiver.messages(phone)[0], 'the inbound message after retries');
    assert.equal(receiver.messages(phone).length, 1);
    assert.equal(receiver.messages(phone)[0].id, id);
    assert.equal(attempts.length, 3);
    assert.equal(new Set(attempts).size, 1, 'every attempt carries the same bytes');
    await eventually(async () => ((await handset(base, phone))[0].status === 'delivered' ? true : undefined), 'delivered once the app accepted it');
  });

  it('gives up after five attempts when the app keeps failing', async () => {
    const phone = newPhone();
    let attempts = 0;
    receiver.respond = (raw) => {
      if (!raw.includes(phone.slice(1))) return 200;
      attempts += 1;
      return 503;
    };
    await customerSends(base, phone, { text: 'nobody home' });
    await eventually(async () => (attempts >= 5 ? true : undefined), 'five attempts');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(attempts, 5);
    assert.equal((await handset(base, phone))[0].status, 'sent');
  });

  it('a text that quotes a message (swipe to reply) carries Meta’s context; quoting what is not on the handset, or with a file, is refused', async () => {
    const phone = newPhone();
    await customerSends(base, phone, { text: 'hello' }); // opens the window for a free-form question
    const question = wamidOf(await send({ messaging_product: 'whatsapp', to: phone, type: 'text', text: { body: 'Which one?' } }));
    await waitForStatuses(receiver, phone, question, 2);
    const quoting = await customerSends(base, phone, { text: 'This one', contextId: question });
    const own = await customerSends(base, phone, { text: 'and again', contextId: quoting });
    const plain = await customerSends(base, phone, { text: 'no quote' });
    const messages = await eventually(async () => (receiver.messages(phone).length === 4 ? receiver.messages(phone) : undefined), 'four texts');
    const byId = (id: string) => messages.find((m) => m.id === id);
    assert.deepEqual(byId(quoting).context, { from: BUSINESS_WA_ID, id: question });
    assert.deepEqual(byId(quoting).text, { body: 'This one' });
    // quoting one's own message: Meta names the customer as the quoted sender
    assert.deepEqual(byId(own).context, { from: phone.replace(/^\+/, ''), id: quoting });
    assert.equal(byId(plain).context, undefined);
    const chat = await handset(base, phone);
    assert.deepEqual(
      chat.filter((m) => m.from === 'customer').map((m) => [m.text, m.contextId]),
      [
        ['hello', undefined],
        ['This one', question],
        ['and again', quoting],
        ['no quote', undefined],
      ],
    );
    const path = `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`;
    const unknown = await call(base, 'POST', path, { body: { text: 'x', contextId: 'wamid.unknown' }, token: null });
    assert.equal(unknown.status, 404);
    const withFile = await call(base, 'POST', path, {
      body: { document: { filename: 'a.pdf', mimeType: 'application/pdf', contentBase64: 'JVBERg==' }, contextId: question },
      token: null,
    });
    assert.equal(withFile.status, 400);
    assert.deepEqual(
      withFile.body.errors.map((e: { path: string }) => e.path),
      ['/contextId'],
    );
    assert.equal(receiver.messages(phone).length, 4, 'a refused send posts no webhook');
  });

  it('turns customer taps into Meta’s replies: template quick reply as `button` with payload, interactive as button_reply / list_reply, each with context', async () => {
    const phone = newPhone();
    const template = wamidOf(await send(optIn(phone, ['prc_9:opt_in_yes', 'prc_9:opt_in_no'])));
    await waitForStatuses(receiver, phone, template, 3);
    const tap = await customerSends(base, phone, { buttonId: 'prc_9:opt_in_yes', contextId: template });
    const interactive = wamidOf(
      await send(
        buttons(phone, [
          ['prc_9:accept', 'I accept'],
          ['prc_9:reject', 'I reject'],
        ]),
      ),
    );
    await waitForStatuses(receiver, phone, interactive, 2);
    const reply = await customerSends(base, phone, { buttonId: 'prc_9:reject' });
    const list = wamidOf(
      await send({
        messaging_product: 'whatsapp',
        to: phone,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Pick one' },
          action: { button: 'Options', sections: [{ title: 'S', rows: [{ id: 'row-1', title: 'First', description: 'the first' }] }] },
        },
      }),
    );
    await waitForStatuses(receiver, phone, list, 2);
    const row = await customerSends(base, phone, { buttonId: 'row-1' });

    const messages = await eventually(async () => (receiver.messages(phone).length === 3 ? receiver.messages(phone) : undefined), 'three replies');
    const byId = (id: string) => messages.find((m) => m.id === id);
    assert.deepEqual(byId(tap).button, { payload: 'prc_9:opt_in_yes', text: 'Yes, I agree' });
    assert.equal(byId(tap).type, 'button');
    assert.deepEqual(byId(tap).context, { from: BUSINESS_WA_ID, id: template });
    assert.deepEqual(byId(reply).interactive, { type: 'button_reply', button_reply: { id: 'prc_9:reject', title: 'I reject' } });
    assert.deepEqual(byId(reply).context, { from: BUSINESS_WA_ID, id: interactive });
    assert.deepEqual(byId(row).interactive, { type: 'list_reply', list_reply: { id: 'row-1', title: 'First', description: 'the first' } });
    assert.deepEqual(byId(row).context, { from: BUSINESS_WA_ID, id: list });

    const chat = await handset(base, phone);
    assert.deepEqual(
      chat.filter((m) => m.from === 'customer').map((m) => [m.type, m.text, m.contextId]),
      [
        ['button', 'Yes, I agree', template],
        ['interactive', 'I reject', interactive],
        ['interactive', 'First', list],
      ],
    );
    // A button of a message that never reached the handset cannot be tapped.
    const failedPhone = newPhone();
    const failed = wamidOf(await send(buttons(failedPhone, [['x', 'X']])));
    await waitForStatuses(receiver, failedPhone, failed, 1);
    assert.equal(
      (await call(base, 'POST', `/sandbox/api/phones/${encodeURIComponent(failedPhone)}/messages`, { body: { buttonId: 'x' }, token: null })).status,
      400,
    );
  });

  it('sends a customer’s document with media id, base64 sha256 and MIME type; the app downloads it by id', async () => {
    const phone = newPhone();
    const id = await customerSends(base, phone, { document: { filename: 'dni.pdf', mimeType: 'application/pdf', contentBase64: PDF.toString('base64') } });
    const [message] = await eventually(async () => (receiver.messages(phone).length ? receiver.messages(phone) : undefined), 'the document webhook');
    assert.equal(message.id, id);
    assert.equal(message.type, 'document');
    assert.equal(message.document.filename, 'dni.pdf');
    assert.equal(message.document.mime_type, 'application/pdf');
    assert.equal(message.document.sha256, createHash('sha256').update(PDF).digest('base64'));
    const info = await call(base, 'GET', `/sandbox/graph/${V}/${message.document.id}`);
    const bytes = await fetch(info.body.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), PDF);

    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const imageId = await customerSends(base, phone, { image: { mimeType: 'image/png', contentBase64: png.toString('base64'), caption: 'my ID' } });
    const image = await eventually(async () => receiver.messages(phone).find((m) => m.id === imageId), 'the image webhook');
    assert.deepEqual(
      { ...image.image, id: undefined },
      { mime_type: 'image/png', sha256: createHash('sha256').update(png).digest('base64'), id: undefined, caption: 'my ID' },
    );
    assert.deepEqual(
      (await handset(base, phone)).map((m) => m.type),
      ['document', 'image'],
    );
  });

  it('fails a document whose media id is unknown or whose link cannot be fetched with 131053', async () => {
    const phone = newPhone();
    await customerSends(base, phone, { text: 'open the window' });
    const unknown = wamidOf(await send({ messaging_product: 'whatsapp', to: phone, type: 'document', document: { id: '123456789012345' } }));
    // nothing listens on the discard port
    const dead = wamidOf(await send({ messaging_product: 'whatsapp', to: phone, type: 'document', document: { link: 'http://127.0.0.1:9/missing.pdf' } }));
    for (const wamid of [unknown, dead]) {
      const [status] = await waitForStatuses(receiver, phone, wamid, 1);
      assert.equal(status.status, 'failed');
      assert.equal(status.errors[0].code, 131053);
    }
  });

  it('marks customer messages read with a read receipt, and shows the typing indicator', async () => {
    const phone = newPhone();
    const first = await customerSends(base, phone, { text: 'one' });
    const second = await customerSends(base, phone, { text: 'two' });
    const third = await customerSends(base, phone, { text: 'three' });
    const receipt = await send({ messaging_product: 'whatsapp', status: 'read', message_id: second, typing_indicator: { type: 'text' } });
    assert.deepEqual(receipt.body, { success: true });
    const chat = await handset(base, phone);
    assert.deepEqual(
      chat.map((m) => [m.id, m.status === 'read']),
      [
        [first, true],
        [second, true],
        [third, false],
      ],
    );
    const info = await call(base, 'GET', `/sandbox/api/phones/${encodeURIComponent(phone)}`, { token: null });
    assert.equal(info.body.typing, true);
    await send(text(phone, 'Here you are'));
    assert.equal((await call(base, 'GET', `/sandbox/api/phones/${encodeURIComponent(phone)}`, { token: null })).body.typing, false);
  });

  it('with autoRead off, leaves messages delivered until the customer opens the chat', async () => {
    await faults({ autoRead: false });
    const phone = newPhone();
    const wamid = wamidOf(await send(otp(phone, '123456')));
    await waitForStatuses(receiver, phone, wamid, 2);
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(
      statusesOf(receiver, phone, wamid).map((s) => s.status),
      ['sent', 'delivered'],
    );
    assert.equal((await handset(base, phone))[0].status, 'delivered');
    const opened = await call(base, 'POST', `/sandbox/api/phones/${encodeURIComponent(phone)}/read`, { token: null });
    assert.deepEqual(opened.body, { read: 1 });
    const statuses = await waitForStatuses(receiver, phone, wamid, 3);
    assert.equal(statuses[2].status, 'read');
    assert.equal((await handset(base, phone))[0].status, 'read');
  });

  it('keeps handsets, the window and media across a restart when the store has a file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-sandbox-'));
    const file = path.join(dir, 'state.json');
    const phone = newPhone();
    const first = await startSandbox(receiver, clock, new SandboxStore(file));
    await customerSends(first.url, phone, { text: 'hola' });
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'application/pdf');
    form.set('file', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'kept.pdf');
    const media = (await call(first.url, 'POST', `/sandbox/graph/${V}/${PNID}/media`, { form })).body.id;
    const wamid = wamidOf(
      await call(first.url, 'POST', `/sandbox/graph/${V}/${PNID}/messages`, {
        body: { messaging_product: 'whatsapp', to: phone, type: 'document', document: { id: media } },
      }),
    );
    await waitForStatuses(receiver, phone, wamid, 3);
    await first.app.close();

    const second = await startSandbox(receiver, clock, new SandboxStore(file));
    try {
      const chat = await handset(second.url, phone);
      assert.deepEqual(
        chat.map((m) => [m.from, m.status]),
        [
          ['customer', 'delivered'],
          ['business', 'read'],
        ],
      );
      assert.equal(chat[1].document.filename, 'kept.pdf');
      assert.deepEqual(Buffer.from(await (await fetch(chat[1].document.url)).arrayBuffer()), PDF);
      // the window survived too: a free-form message is delivered, not failed with 131047
      const again = wamidOf(await call(second.url, 'POST', `/sandbox/graph/${V}/${PNID}/messages`, { body: text(phone, 'still here') }));
      assert.equal((await waitForStatuses(receiver, phone, again, 1))[0].status, 'sent');
    } finally {
      await second.app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves conversation out of status webhooks from Graph v24', async () => {
    const phone = newPhone();
    const wamid = wamidOf(await call(base, 'POST', `/sandbox/graph/v24.0/${PNID}/messages`, { body: otp(phone, '123456') }));
    const [sent] = await waitForStatuses(receiver, phone, wamid, 1);
    assert.equal(sent.conversation, undefined);
    assert.equal(sent.pricing.category, 'authentication');
  });
});

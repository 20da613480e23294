// The phone simulator page in headless Chromium, played as a customer would: read the business's
// messages, tap a reply button, copy a code and send it, and watch ticks change without reloading.
// The first suite runs the sandbox alone (no app), posting its webhooks to a local receiver that
// checks signatures; the second plays a whole signing process against the real stack.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { type BrowserContext, type Page } from 'playwright-core';
import { SANDBOX_WHATSAPP } from '../../platform/config';
import { sandboxPlugin } from '../../sandbox';
import { SandboxStore } from '../../sandbox/store';
import { newPhone, samplePdf } from '../support/customer';
import { launchChromium, type Browser } from '../support/browser';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const PHONE = '+34600123456';
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const { phoneNumberId: PNID, accessToken: TOKEN, appSecret: SECRET } = SANDBOX_WHATSAPP;

interface Webhook {
  raw: string;
  signature: string | undefined;
  body: any;
}

describe('phone simulator page (headless Chromium)', function () {
  this.timeout(60_000);
  const webhooks: Webhook[] = [];
  let receiver: http.Server;
  let sandbox: FastifyInstance;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        webhooks.push({ raw, signature: request.headers['x-hub-signature-256'] as string | undefined, body: JSON.parse(raw) });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    sandbox = Fastify();
    await sandbox.register(sandboxPlugin, {
      prefix: '/sandbox',
      store: new SandboxStore(),
      twilio: { accountSid: 'AC0', authToken: 'x', inboundWebhookUrl: 'http://127.0.0.1:9/sms', businessNumber: '+15005550006' },
      // slow enough statuses that the page visibly goes through them
      whatsapp: { ...SANDBOX_WHATSAPP, webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/whatsapp`, statusDelayMs: 150 },
    });
    base = await sandbox.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium({
      viewport: { width: 480, height: 860 },
    });
    context = browser.context;
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await sandbox?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  async function graphSend(body: object): Promise<string> {
    const response = await fetch(`${base}/sandbox/graph/v23.0/${PNID}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: PHONE.slice(1), ...body }),
    });
    const json = (await response.json()) as any;
    assert.equal(response.status, 200, JSON.stringify(json));
    return json.messages[0].id;
  }

  const inbound = () => webhooks.flatMap((w) => w.body.entry.flatMap((e: any) => e.changes.flatMap((c: any) => c.value.messages ?? [])));
  const bubble = (id: string) => page.locator(`[data-message-id="${id}"]`);
  /** The customer sends a text through the control API (opens the 24-hour window). */
  async function customerWrites(text: string): Promise<void> {
    const response = await fetch(`${base}/sandbox/api/phones/${encodeURIComponent(PHONE)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    assert.equal(response.status, 202);
  }

  it('shows the chat, sends taps and typed codes as signed webhooks, and updates ticks live', async () => {
    // The customer wrote first, so the business may send interactive messages.
    await customerWrites('Hola');
    const question = await graphSend({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Do you accept the conditions of contract C-2026-0042?' },
        footer: { text: 'Acme Bank' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'prc_1:accept', title: 'I accept' } },
            { type: 'reply', reply: { id: 'prc_1:reject', title: 'I reject' } },
          ],
        },
      },
    });
    const code = await graphSend({
      type: 'template',
      template: {
        name: 'otp_code',
        language: { code: 'en' },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: '482913' }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] },
        ],
      },
    });

    await page.goto(`${base}/sandbox/phones/${encodeURIComponent(PHONE)}`);
    await bubble(question).waitFor();
    await bubble(code).waitFor();
    assert.match(await bubble(question).innerText(), /Do you accept the conditions of contract C-2026-0042\?/);
    assert.match(await bubble(code).innerText(), /482913 is your verification code\./);
    assert.equal(await bubble(code).locator('strong').innerText(), '482913');
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));

    await bubble(question).locator('[data-button-id="prc_1:accept"]').click();
    await bubble(code).locator('[data-button-id="copy_code"]').click();
    assert.equal(await page.inputValue('#composer-text'), '482913', 'Copy code fills the text box');
    await page.click('#composer-send');

    const customer = page.locator('[data-from="customer"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-from="customer"]').length === 3);
    assert.deepEqual(await customer.locator('.text').allInnerTexts(), ['Hola', 'I accept', '482913']);

    // (a) the app got both as webhooks signed over the exact bytes
    await waitFor(() => inbound().length === 3, 'three inbound webhooks');
    const [, tap, typed] = inbound();
    assert.equal(tap.type, 'interactive');
    assert.deepEqual(tap.interactive.button_reply, { id: 'prc_1:accept', title: 'I accept' });
    assert.equal(tap.context.id, question);
    assert.equal(typed.type, 'text');
    assert.equal(typed.text.body, '482913');
    for (const webhook of webhooks) assert.equal(webhook.signature, `sha256=${createHmac('sha256', SECRET).update(webhook.raw).digest('hex')}`);

    // documents open from the chat
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'application/pdf');
    form.set('file', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'contract.pdf');
    const upload = (await (
      await fetch(`${base}/sandbox/graph/v23.0/${PNID}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form })
    ).json()) as { id: string };
    const contract = await graphSend({ type: 'document', document: { id: upload.id, filename: 'C-2026-0042.pdf', caption: 'Your contract' } });
    const link = bubble(contract).locator('a[data-document="C-2026-0042.pdf"]');
    await link.waitFor();
    const opened = await fetch((await link.getAttribute('href'))!);
    assert.equal(opened.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(Buffer.from(await opened.arrayBuffer()), PDF);

    // (b) a business message sent now appears and its ticks advance to read, without a reload. The
    // page records every status the bubble shows (delivered may flash by: the open chat reads it at once).
    await page.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { seenStatuses: seen });
      new MutationObserver(() => {
        const status = document.querySelector('[data-message-id][data-from="business"]:last-child')?.getAttribute('data-status');
        if (status && status !== seen.at(-1)) seen.push(status);
      }).observe(document.getElementById('messages')!, { childList: true, subtree: true });
    });
    const thanks = await graphSend({ type: 'text', text: { body: 'Thank you, your contract is being signed.' } });
    await page.waitForSelector(`[data-message-id="${thanks}"][data-status="read"]`);
    const seen = await page.evaluate(() => (window as unknown as { seenStatuses: string[] }).seenStatuses);
    assert.equal(seen.at(-1), 'read');
    assert.ok(seen.indexOf('sent') >= 0 && seen.indexOf('sent') < seen.indexOf('read'), `statuses shown: ${seen.join(' → ')}`);
    assert.equal(await bubble(thanks).locator('.tick').getAttribute('class'), 'tick read');
    assert.equal(await bubble(thanks).locator('.tick').innerText(), '✓✓');
    assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true);
    await page.screenshot({ path: '/tmp/phone-page.png', fullPage: true });
  });

  it('replies to (quotes) a message: the quote shows above the text, and the webhook carries its context', async () => {
    // the customer writes first, so the business may send free text
    await customerWrites('Hola otra vez');
    const question = await graphSend({ type: 'text', text: { body: 'Which branch should we send it to?' } });
    await page.goto(`${base}/sandbox/phones/${encodeURIComponent(PHONE)}`);
    await bubble(question).waitFor();
    await waitFor(() => inbound().some((m) => m.text?.body === 'Hola otra vez'), 'the greeting webhook');
    const before = inbound().length;
    assert.equal(await page.isVisible('#reply-bar'), false, 'no reply under way');

    await bubble(question).locator(`[data-reply-to="${question}"]`).click();
    assert.equal(await page.isVisible('#reply-bar'), true);
    assert.equal(await page.innerText('#reply-quote'), 'Which branch should we send it to?');
    await page.fill('#composer-text', 'Madrid, Gran Vía');
    await page.click('#composer-send');
    assert.equal(await page.isVisible('#reply-bar'), false, 'the reply bar closes with the send');

    // a reply started and cancelled quotes nothing
    await bubble(question).locator(`[data-reply-to="${question}"]`).click();
    await page.click('#reply-cancel');
    await page.fill('#composer-text', 'thanks');
    await page.click('#composer-send');

    await waitFor(() => inbound().length === before + 2, 'two more inbound webhooks');
    const [quoting, plain] = inbound().slice(before);
    assert.equal(quoting.text.body, 'Madrid, Gran Vía');
    assert.deepEqual(quoting.context, { from: SANDBOX_WHATSAPP.displayNumber.slice(1), id: question });
    assert.equal(plain.text.body, 'thanks');
    assert.equal(plain.context, undefined);
    const shown = bubble(quoting.id);
    await shown.waitFor();
    assert.equal(await shown.locator('.quote').innerText(), 'Which branch should we send it to?');
    assert.equal(await shown.locator('.quote').getAttribute('data-quote-of'), question);
    assert.equal(await shown.locator('.text').innerText(), 'Madrid, Gran Vía');
    assert.equal(await bubble(plain.id).locator('.quote').count(), 0);
  });
});

describe('phone simulator page: a whole contract played in Chromium', function () {
  // Temporal, the worker, the seal and the browser together: generous, the flow itself takes seconds.
  this.timeout(120_000);
  let t: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    this.timeout(120_000);
    t = await startTestStack('pglite');
    browser = await launchChromium({
      // a phone-sized window, as the customer would hold it
      viewport: { width: 420, height: 860 },
    });
    context = browser.context;
    page = await context.newPage();
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await t?.stop();
  });

  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  /** What the page's document link serves (the same URL the customer's browser opens). */
  async function download(link: ReturnType<Page['locator']>): Promise<Buffer> {
    const response = await fetch((await link.getAttribute('href'))!);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/pdf');
    return Buffer.from(await response.arrayBuffer());
  }

  it('the customer opts in, reviews, accepts, reads the SMS code, types it and receives the sealed contract, all on the page', async () => {
    // The business's brand is what the customer reads in every text, so the page must show it.
    const brand = 'Banco Acme';
    const settings = await t.request('PATCH', '/v1/settings', { body: { brand } });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    const phone = newPhone();
    const reference = `C-${Date.now()}`;
    const pdf = await samplePdf('Contrato de préstamo');
    const created = await t.request('POST', '/v1/processes', {
      body: {
        reference,
        customer: { phone, name: 'Ana García', locale: 'es', identification: { level: 'identified', reference: 'crm-889' } },
        optIn: { mode: 'whatsapp' },
        documents: [{ name: 'contrato.pdf', contentBase64: pdf.toString('base64') }],
        otp: { channel: 'sms' },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const processId: string = created.body.id;

    // The customer picks their handset on the sandbox page, as a person would: typing the number.
    await page.goto(`${t.url}/sandbox`);
    await page.fill('#phone', phone);
    await page.press('#phone', 'Enter');
    const chat = page.locator('#messages');
    const business = chat.locator('[data-from="business"]');
    const button = (title: string) => chat.getByRole('button', { name: title, exact: true });
    const wait = { timeout: 30_000 };

    // 1. Opt-in: the Spanish template names the business and asks to use WhatsApp.
    const optIn = business.filter({ hasText: `${brand} quiere enviarte por WhatsApp los documentos de ${reference}` });
    await optIn.waitFor(wait);
    await button('Sí, acepto').click();
    await chat.locator('[data-from="customer"]', { hasText: 'Sí, acepto' }).waitFor(wait);

    // 2. The contract arrives as a document: its name is shown and its link serves the uploaded bytes.
    const contract = chat.locator('a[data-document="contrato.pdf"]');
    await contract.waitFor(wait);
    assert.match(await contract.innerText(), /contrato\.pdf/);
    assert.match(await contract.innerText(), new RegExp(`sha256 ${sha256(pdf).slice(0, 16)}`));
    assert.equal(sha256(await download(contract)), sha256(pdf), 'the page offers exactly the uploaded PDF');
    await business.filter({ hasText: 'Léelos con calma' }).waitFor(wait);
    await button('Recibido y revisado').click();

    // 3. Acceptance of the conditions.
    await business.filter({ hasText: `¿Aceptas las condiciones de ${reference} que te ha enviado ${brand}?` }).waitFor(wait);
    await button('Acepto').click();

    // 4. The chat says a code went by SMS; the customer reads it on the SMS tab, from the text shown.
    await business.filter({ hasText: 'te hemos enviado por SMS un código de 6 dígitos' }).waitFor(wait);
    await page.click('#tab-sms');
    const sms = chat.locator('[data-sms-id]').last();
    await sms.waitFor(wait);
    const smsText = await sms.locator('.text').innerText();
    const code = /código de verificación es (\d{6})\b/.exec(smsText)?.[1];
    assert.ok(code, `a 6-digit code in the SMS shown: ${smsText}`);

    // Back to the chat, type the code and send it.
    await page.click('#tab-whatsapp');
    await optIn.waitFor(wait);
    await page.fill('#composer-text', code);
    await page.click('#composer-send');
    await chat.locator('[data-from="customer"]', { hasText: code }).waitFor(wait);

    // 5. The sealed copy arrives, then the closing text.
    const signed = chat.locator('a[data-document$=".signed.pdf"]');
    await signed.waitFor({ timeout: 60_000 });
    assert.equal(await signed.getAttribute('data-document'), 'contrato.signed.pdf');
    assert.match(await signed.innerText(), /contrato\.signed\.pdf/);
    await business.filter({ hasText: `Estos son tus documentos de ${reference}, firmados y sellados.` }).waitFor(wait);
    await business.filter({ hasText: `Proceso completado. ${brand} ha recibido tu conformidad. Gracias.` }).waitFor(wait);
    const signedBytes = await download(signed);

    // The business sees the same outcome through the API: completed, and the sealed file is the one the page offers.
    const done = await eventually(
      async () => {
        const { body } = await t.request('GET', `/v1/processes/${processId}`);
        return body.status === 'completed' ? body : undefined;
      },
      'the process completed',
      30_000,
    );
    assert.equal(done.documents.length, 1);
    assert.equal(done.documents[0].sha256, sha256(pdf));
    assert.equal(done.documents[0].signedSha256, sha256(signedBytes), 'the page offers the sealed PDF the process recorded');
    assert.ok(signedBytes.subarray(0, pdf.length).equals(pdf), 'the sealed copy is the original plus an incremental update');

    // Every business message of the flow was shown as read: the customer had the chat open.
    await page.waitForFunction(
      () => Array.from(document.querySelectorAll('[data-from="business"]')).every((b) => b.getAttribute('data-status') === 'read'),
      undefined,
      wait,
    );
    const shot = path.join(os.tmpdir(), `testigo-phone-contract-${process.pid}.png`);
    await page.screenshot({ path: shot });
    console.log(`    screenshot of the final chat: ${shot}`);
  });
});

async function waitFor(probe: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

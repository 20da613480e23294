// The public verification page in headless Chromium, as anyone holding a file would use it: open the address the
// certificate's QR code gives (/verify/{processId}), choose or drop the PDF, read the verdict and every check. The
// files are what a real completed process left; the forgeries are the tamper helpers' (a flipped byte, an attachment
// stripped or replaced, another process's certificate). Also: the language by Accept-Language and the switch on the
// page, the errors a visitor can meet (too large, refused, server unreachable), a strict CSP with nothing violating it,
// and no API key sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, type Request } from 'playwright-core';
import { completeProcess, type CompletedProcess } from '../support/completed-process';
import { launchChromium, type Browser } from '../support/browser';
import { startTestStack, type TestStack } from '../support/stack';
import { flipByte, replaceAttachment, stripAttachment } from '../support/tamper';

const OTHER_PROCESS = 'prc_someoneElse000';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Shown {
  state: string;
  valid: string | null;
  title: string | null;
  summary: string | null;
  error: string | null;
  kind: string | null;
  kindLabel: string | null;
  file: string | null;
  processId: string | null;
  sha256: string | null;
  checks: Array<{ name: string; ok: boolean; label: string; status: string; detail: string }>;
}

/**
 * What the result area shows, read from the DOM. A string, not a function: tsx would wrap a function's inner named
 * helpers in its `__name`, which the page does not have.
 */
const READ_RESULT = `(() => {
  const text = (selector) => document.querySelector(selector)?.textContent?.trim() ?? null;
  return {
    state: document.getElementById('result').dataset.state,
    valid: document.getElementById('verdict')?.dataset.valid ?? null,
    title: text('#verdict-title'),
    summary: text('#verdict-summary'),
    error: document.getElementById('verdict')?.dataset.error ?? null,
    kind: document.getElementById('fact-kind')?.dataset.kind ?? null,
    kindLabel: text('#fact-kind'),
    file: text('#fact-file'),
    processId: text('#fact-process'),
    sha256: text('#fact-sha256'),
    checks: Array.from(document.querySelectorAll('#checks > li')).map((li) => ({
      name: li.dataset.check,
      ok: li.dataset.ok === 'true',
      label: li.querySelector('.check-label').firstChild.textContent.trim(),
      status: li.querySelector('.check-status').textContent.trim(),
      detail: li.querySelector('.check-detail').textContent.trim(),
    })),
  };
})()`;

const readResult = (page: Page): Promise<Shown> => page.evaluate(READ_RESULT) as Promise<Shown>;

/** Waits for the verification started after `runBefore` to end (answered or refused) and reads it. */
async function settled(page: Page, runBefore: number): Promise<Shown> {
  await page.waitForSelector(`#result[data-run="${runBefore + 1}"]:is([data-state="done"], [data-state="error"])`, { timeout: 30_000 });
  return readResult(page);
}

const currentRun = async (page: Page) => Number(await page.getAttribute('#result', 'data-run'));

/** Chooses `bytes` as the file on the page's input, as a person picking it would, and waits for the outcome. */
async function chooseFile(page: Page, bytes: Uint8Array, name = 'document.pdf'): Promise<Shown> {
  const before = await currentRun(page);
  await page.setInputFiles('#file', { name, mimeType: 'application/pdf', buffer: Buffer.from(bytes) });
  return settled(page, before);
}

function check(shown: Shown, name: string) {
  const found = shown.checks.find((c) => c.name === name);
  assert.ok(found, `a row for ${name} among ${shown.checks.map((c) => c.name).join(', ')}`);
  return found;
}

/** Not valid, said in the page's language, and `name`'s row marked failed and named in the summary. */
function assertFailed(shown: Shown, name: string, detail?: RegExp) {
  assert.equal(shown.state, 'done');
  assert.equal(shown.valid, 'false', `not valid: ${JSON.stringify(shown.checks.filter((c) => !c.ok))}`);
  assert.equal(shown.title, 'No válido');
  const row = check(shown, name);
  assert.equal(row.ok, false, `${name} is marked failed: ${row.detail}`);
  assert.equal(row.status, 'fallida');
  assert.ok(shown.summary?.includes(row.label), `the summary names ${row.label}: ${shown.summary}`);
  if (detail) assert.match(row.detail, detail);
}

function assertValid(shown: Shown) {
  assert.equal(shown.state, 'done');
  assert.deepEqual(
    shown.checks.filter((c) => !c.ok),
    [],
    'no check failed',
  );
  assert.equal(shown.valid, 'true');
  assert.equal(shown.title, 'Válido');
  assert.ok(shown.checks.length > 0);
  for (const row of shown.checks) {
    assert.equal(row.status, 'correcta');
    assert.notEqual(row.label, row.name, `${row.name} has a readable label`);
  }
}

describe('public verification page (headless Chromium)', function () {
  // Temporal, the worker, a whole process and the browser: generous.
  this.timeout(120_000);
  let t: TestStack;
  let done: CompletedProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requests: Request[] = [];
  const pageProblems: string[] = [];

  before(async function () {
    this.timeout(180_000);
    t = await startTestStack('pglite');
    done = await completeProcess(t);
    browser = await launchChromium({
      // a Spanish browser: Accept-Language es-ES
      locale: 'es-ES',
      viewport: { width: 900, height: 1000 },
    });
    context = browser.context;
    context.on('request', (request) => requests.push(request));
    page = await context.newPage();
    page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) pageProblems.push(message.text());
    });
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await t?.stop();
  });

  it('is served publicly as HTML with a strict CSP, in the language the browser prefers; not a process id is a 404 problem', async function () {
    const get = (route: string, headers: Record<string, string> = {}) => fetch(`${t.url}${route}`, { headers });
    const lang = async (route: string, acceptLanguage?: string) =>
      /<html lang="(\w+)"/.exec(await (await get(route, acceptLanguage ? { 'accept-language': acceptLanguage } : {})).text())?.[1];

    const response = await get(`/verify/${done.processId}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/, 'no inline script allowed');
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const html = await response.text();
    assert.ok(!/https?:\/\//.test(html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '')), 'nothing from another origin');
    assert.match(html, new RegExp(`action="\\.\\./verify\\?processId=${done.processId}"`));

    assert.equal(await lang('/verify', 'en-GB,en;q=0.9'), 'en');
    assert.equal(await lang('/verify', 'fr-FR, es;q=0.5, en;q=0.4'), 'es');
    assert.equal(await lang('/verify', 'es;q=0.2, en-US;q=0.8'), 'en');
    assert.equal(await lang('/verify', 'de'), 'es', 'Spanish when neither is asked for');
    assert.equal(await lang('/verify'), 'es');
    assert.equal(await lang('/verify?lang=en', 'es'), 'en', '?lang= (the language links) wins');

    for (const bad of ['not-a-process', 'prc_', 'prc_a.b', `prc_${'x'.repeat(65)}`, 'PRC_abc']) {
      const answer = await get(`/verify/${encodeURIComponent(bad)}`);
      assert.equal(answer.status, 404, bad);
      assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(((await answer.json()) as { status: number }).status, 404);
    }

    const script = await get('/verify/assets/verify.js');
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match((await get('/verify/assets/verify.css')).headers.get('content-type') ?? '', /^text\/css/);

    // The page is not API: the OpenAPI document leaves it out (POST /verify stays, tagged 'verification page').
    const openapi = (await (await get('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    assert.equal(openapi.paths['/verify/{processId}'], undefined);
    assert.equal(openapi.paths['/verify']?.get, undefined);
    assert.ok(openapi.paths['/verify']?.post);
  });

  it('the certificate on its process page: valid, with every check labelled and passed, the file described', async function () {
    await page.goto(`${t.url}/verify/${done.processId}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'es');
    assert.equal(await page.locator('h1').innerText(), 'Verificar un certificado o un documento sellado');
    assert.match(await page.locator('.brand').innerText(), /Testigo/);
    // The page of one process names the process it expects.
    assert.ok(await page.locator('#expects').isVisible());
    assert.equal(await page.locator('#expected-process').innerText(), done.processId);
    assert.equal(await page.getAttribute('#result', 'aria-live'), 'polite');
    // offline verification: the public keys are linked and serve
    for (const link of ['#ca-link', '#jwks-link']) {
      const href = await page.locator(link).evaluate((a) => (a as HTMLAnchorElement).href);
      assert.equal((await fetch(href)).status, 200, href);
    }
    assert.match(await page.locator('#offline').innerText(), /testigo verify/);

    // The input is reachable from the keyboard and labelled: found by its label, picked from there.
    let focused = '';
    for (let i = 0; i < 15 && focused !== 'file'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.id ?? '');
    }
    assert.equal(focused, 'file', 'Tab reaches the file input');
    const before = await currentRun(page);
    await page.getByLabel('Archivo PDF (certificado o documento sellado)').setInputFiles({
      name: 'certificado.pdf',
      mimeType: 'application/pdf',
      buffer: done.certificate,
    });
    const shown = await settled(page, before);

    assertValid(shown);
    assert.equal(shown.kind, 'certificate');
    assert.equal(shown.kindLabel, 'Certificado de evidencias');
    assert.equal(shown.processId, done.processId);
    assert.equal(shown.sha256, sha256(done.certificate));
    assert.match(shown.file!, /^certificado\.pdf \(/);
    assert.match(shown.summary!, /Todas las comprobaciones son correctas/);
    for (const name of [
      'pdf_seal',
      'pdf_seal_covers_file',
      'pdf_seal_certificate',
      'certificate_attachments',
      'jws_signature',
      'hash_chain',
      'event_order',
      'documents_sealed',
      'no_secrets',
      'process_matches',
      'certificate_in_custody',
    ]) {
      assert.equal(check(shown, name).ok, true, name);
    }
    assert.equal(check(shown, 'pdf_seal').label, 'El sello electrónico está intacto');
    assert.equal(check(shown, 'hash_chain').label, 'Los eventos forman una cadena de hashes íntegra');
    assert.match(check(shown, 'process_matches').detail, new RegExp(`belongs to process ${done.processId}`));
    await page.screenshot({ path: path.join(os.tmpdir(), `testigo-verify-page-${process.pid}.png`), fullPage: true });
  });

  it('the sealed document, chosen on the process page or dropped on the general page: valid', async function () {
    const chosen = await chooseFile(page, done.signedDocument, 'contrato.signed.pdf');
    assertValid(chosen);
    assert.equal(chosen.kind, 'sealed_document');
    assert.equal(chosen.kindLabel, 'Documento sellado');
    assert.equal(chosen.sha256, sha256(done.signedDocument));
    assert.equal(chosen.processId, done.processId);
    assert.equal(check(chosen, 'document_in_evidence').ok, true);
    assert.equal(check(chosen, 'process_matches').ok, true);

    // The general page (no process expected): dropped on the box, as a file dragged from the desktop.
    await page.goto(`${t.url}/verify`);
    assert.equal(await page.locator('#expects').isVisible(), false);
    const before = await currentRun(page);
    const dataTransfer = await page.evaluateHandle((base64) => {
      const transfer = new DataTransfer();
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], 'dropped.pdf', { type: 'application/pdf' }));
      return transfer;
    }, done.signedDocument.toString('base64'));
    await page.dispatchEvent('#drop-zone', 'dragenter', { dataTransfer });
    assert.match((await page.getAttribute('#drop-zone', 'class')) ?? '', /dragging/);
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
    const dropped = await settled(page, before);
    assertValid(dropped);
    assert.equal(dropped.kind, 'sealed_document');
    assert.match(dropped.file!, /^dropped\.pdf/);
    assert.equal(
      dropped.checks.find((c) => c.name === 'process_matches'),
      undefined,
      'no process expected on the general page',
    );
    assert.doesNotMatch((await page.getAttribute('#drop-zone', 'class')) ?? '', /dragging/);
    // And the certificate there: valid too.
    assertValid(await chooseFile(page, done.certificate));
  });

  it('tampered files: not valid, and the failing check marked and named', async function () {
    await page.goto(`${t.url}/verify/${done.processId}`);
    // a byte flipped inside the sealed content
    const flipped = await chooseFile(page, flipByte(done.certificate, 2_000), 'flipped.pdf');
    assertFailed(flipped, 'pdf_seal', /signed bytes were changed/);
    assert.equal(check(flipped, 'pdf_seal').label, 'El sello electrónico está intacto');
    assert.equal(flipped.sha256, sha256(flipByte(done.certificate, 2_000)));
    assert.equal(await page.locator('#checks > li[data-check="pdf_seal"]').getAttribute('class'), 'check failed');

    // a byte flipped in the sealed document
    assertFailed(await chooseFile(page, flipByte(done.signedDocument, 500)), 'pdf_seal', /signed bytes were changed/);

    // the evidence stripped, as a new revision
    const stripped = await chooseFile(page, await stripAttachment(done.certificate, 'evidence.json', { incremental: true }));
    assertFailed(stripped, 'pdf_seal_covers_file', /added after the seal/);
    assertFailed(stripped, 'certificate_attachments', /evidence\.json is missing/);

    // the evidence replaced by an edited copy
    const edited = structuredClone(done.record.evidence);
    edited.documents[0].signedSha256 = 'f'.repeat(64);
    const replaced = await chooseFile(page, await replaceAttachment(done.certificate, 'evidence.json', Buffer.from(JSON.stringify(edited))));
    assertFailed(replaced, 'pdf_seal_covers_file');
    assertFailed(replaced, 'jws_payload_matches_evidence', /documents/);

    // not a PDF at all
    const text = await chooseFile(page, Buffer.from('hello, this is not a PDF'), 'notes.pdf');
    assertFailed(text, 'pdf_readable');
    assert.equal(text.kind, 'unreadable');
  });

  it("a certificate on another process's page: not valid, the process check failed", async function () {
    await page.goto(`${t.url}/verify/${OTHER_PROCESS}`);
    assert.equal(await page.locator('#expected-process').innerText(), OTHER_PROCESS);
    const shown = await chooseFile(page, done.certificate, 'certificado.pdf');
    assertFailed(shown, 'process_matches', new RegExp(`belongs to process ${done.processId}, not ${OTHER_PROCESS}`));
    assert.equal(check(shown, 'process_matches').label, 'Pertenece al proceso esperado');
    // everything else about the file holds: only the process is wrong
    assert.deepEqual(
      shown.checks.filter((c) => !c.ok).map((c) => c.name),
      ['process_matches'],
    );
    assert.equal(shown.processId, done.processId, 'the page says which process the file does belong to');
  });

  it('switches between Spanish and English in place, the result included; an English browser gets English', async function () {
    // the result of the previous test is on screen
    assert.equal(await page.locator('#verdict-title').innerText(), 'No válido');
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await page.getByRole('link', { name: 'English' }).click();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('h1').innerText(), 'Verify a certificate or a sealed document');
    assert.equal(await page.title(), 'Verify a document · Testigo');
    assert.equal(await page.getAttribute('a[data-lang="en"]', 'aria-current'), 'true');
    assert.equal(await page.getAttribute('a[data-lang="es"]', 'aria-current'), 'false');
    assert.match(page.url(), /\?lang=en$/);
    const english = await readResult(page);
    assert.equal(english.title, 'Not valid');
    assert.equal(english.kindLabel, 'Evidence certificate');
    assert.equal(check(english, 'process_matches').label, 'Belongs to the expected process');
    assert.equal(check(english, 'process_matches').status, 'failed');
    assert.equal(check(english, 'pdf_seal').status, 'passed');
    assert.equal(english.summary, 'Failed checks: Belongs to the expected process.');
    assert.equal(await page.getByLabel('PDF file (certificate or sealed document)').count(), 1);
    assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, 'switched without a reload');

    await page.getByRole('link', { name: 'Español' }).click();
    assert.equal(await page.getAttribute('html', 'lang'), 'es');
    assert.equal(await page.locator('#verdict-title').innerText(), 'No válido');

    // a browser that prefers English is served English, and stays so after a verification
    const english2 = await context.newPage();
    try {
      // (the context's es-ES locale sets the header itself: replace it on the way out)
      await english2.route(
        (url) => url.pathname.startsWith('/verify/'),
        (route) => route.continue({ headers: { ...route.request().headers(), 'accept-language': 'en-US,en;q=0.9' } }),
      );
      await english2.goto(`${t.url}/verify/${done.processId}`);
      assert.equal(await english2.getAttribute('html', 'lang'), 'en');
      assert.match(
        await english2.locator('#expects').innerText(),
        new RegExp(`^This page checks files of process ${done.processId}\\s+A file of any other process is reported as not valid\\.$`),
      );
      const shown = await chooseFile(english2, done.certificate);
      assert.equal(shown.title, 'Valid');
      assert.equal(check(shown, 'pdf_seal').label, 'The electronic seal is intact');
      assert.equal(check(shown, 'hash_chain').label, 'The events form an unbroken hash chain');
    } finally {
      await english2.close();
    }
  });

  it('says so when the file is too large, the server refuses it or cannot be reached', async function () {
    await page.goto(`${t.url}/verify/${done.processId}?lang=en`);
    const posts = () => requests.filter((r) => r.method() === 'POST').length;

    // over 25 MB: refused on the page, nothing uploaded
    const before = posts();
    const huge = path.join(mkdtempSync(path.join(os.tmpdir(), 'testigo-huge-')), 'huge.pdf');
    closeSync(openSync(huge, 'w'));
    truncateSync(huge, 25 * 1024 * 1024 + 1); // sparse: the page reads only its size
    const run = await currentRun(page);
    await page.setInputFiles('#file', huge);
    const big = await settled(page, run);
    assert.equal(big.state, 'error');
    assert.equal(big.error, 'errorTooLarge');
    assert.equal(big.summary, 'The file is larger than 25 MB, the most that can be checked.');
    assert.equal(posts(), before, 'nothing was sent');

    // what the server answers, whatever a proxy in between makes of it
    const answerWith = (status: number, body: object) =>
      page.route(
        (url) => url.pathname === '/verify',
        (route) => route.fulfill({ status, contentType: 'application/problem+json', body: JSON.stringify(body) }),
      );
    await answerWith(413, { type: 'urn:testigo:problem:file-too-large', title: 'Payload Too Large', status: 413 });
    assert.equal((await chooseFile(page, done.certificate)).summary, 'The file is larger than 25 MB, the most that can be checked.');
    await page.unrouteAll();
    await answerWith(415, { type: 'urn:testigo:problem:unsupported-media-type', title: 'Unsupported Media Type', status: 415 });
    const refused = await chooseFile(page, done.certificate);
    assert.equal(refused.error, 'errorUnsupported');
    assert.equal(refused.summary, 'Only PDF files can be checked.');
    await page.unrouteAll();
    await answerWith(400, { type: 'urn:testigo:problem:validation-error', title: 'Invalid request', status: 400, detail: 'body: empty' });
    assert.equal((await chooseFile(page, done.certificate)).summary, 'The server could not check the file (400): body: empty');
    await page.unrouteAll();
    await page.route(
      (url) => url.pathname === '/verify',
      (route) => route.abort('connectionrefused'),
    );
    const offline = await chooseFile(page, done.certificate);
    assert.equal(offline.state, 'error');
    assert.equal(offline.title, 'Not checked');
    assert.equal(offline.summary, 'The verification server could not be reached. Check your connection and try again.');
    await page.unrouteAll();

    // and the page recovers: the next file is checked normally
    assert.equal((await chooseFile(page, done.certificate)).title, 'Valid');
  });

  it('sent no API key and no cookie to any route, posted the files as application/pdf, and nothing broke the CSP', async function () {
    const verifications = requests.filter((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/verify');
    assert.ok(verifications.length >= 10, `${verifications.length} verifications posted`);
    for (const request of verifications) {
      const headers = request.headers();
      assert.equal(headers.authorization, undefined, 'no API key');
      assert.equal(headers.cookie, undefined);
      assert.equal(headers['content-type'], 'application/pdf');
    }
    assert.deepEqual(await context.cookies(), [], 'no cookie to send either');
    assert.deepEqual(
      requests.filter((r) => !r.url().startsWith(t.url) && !r.url().startsWith('data:')).map((r) => r.url()),
      [],
      'no request left the server',
    );
    for (const request of requests) assert.equal(request.headers().authorization, undefined, request.url());
    assert.deepEqual(pageProblems, []);
  });
});

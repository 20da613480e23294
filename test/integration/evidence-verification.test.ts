// POST /v1/evidence/verify and the public POST /verify on what a real completed process left: its certificate and its
// sealed document as PDFs (raw and multipart), and its {evidence, jws}. Every forgery a holder could try — a flipped
// byte, an attachment stripped or replaced (as a new revision or a rewritten file), another process's certificate, an
// unsealed PDF — answers valid: false and names the check that failed. Bad requests are 4xx problems naming the field.
// And the code, the API key and the provider secrets appear nowhere in custody or in the logs.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { completeProcess, type CompletedProcess } from '../support/completed-process';
import { samplePdf } from '../support/customer';
import { capturedLogs } from '../support/logs';
import { databases, type TestStack, startTestStack } from '../support/stack';
import { flipByte, offsetOf, replaceAttachment, stripAttachment } from '../support/tamper';

interface Answer {
  status: number;
  contentType: string;
  body: { valid: boolean; kind: string; processId: string | null; sha256: string; checks: Array<{ name: string; ok: boolean; detail: string }> } & Record<
    string,
    any
  >;
}

async function post(t: TestStack, route: string, body: BodyInit, headers: Record<string, string> = {}, apiKey: string | null = t.apiKey): Promise<Answer> {
  const response = await fetch(`${t.url}${route}`, {
    method: 'POST',
    headers: { ...headers, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body,
  });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.json() };
}

const pdfBody = (t: TestStack, bytes: Uint8Array, query = '') =>
  post(t, `/v1/evidence/verify${query}`, new Uint8Array(bytes), { 'content-type': 'application/pdf' });
const multipartBody = (bytes: Uint8Array, field = 'file') => {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), 'upload.pdf');
  return form;
};

/** The answer is well formed, invalid, and `name` is among the failed checks. */
function assertFails(answer: Answer, name: string, detail?: RegExp) {
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.valid, false, `expected ${name} to fail`);
  const check = answer.body.checks.find((c) => c.name === name);
  assert.ok(check, `a check ${name} in ${answer.body.checks.map((c) => c.name).join(', ')}`);
  assert.equal(check.ok, false, `${name} fails: ${check.detail}`);
  if (detail) assert.match(check.detail, detail);
}

function assertAllPass(answer: Answer) {
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const failed = answer.body.checks.filter((c) => !c.ok);
  assert.deepEqual(failed, [], 'no check fails');
  assert.equal(answer.body.valid, true);
}

for (const kind of databases()) {
  describe(`Evidence verification of PDFs and records (${kind})`, function () {
    let t: TestStack;
    let done: CompletedProcess;

    before(async function () {
      this.timeout(150_000);
      t = await startTestStack(kind);
      done = await completeProcess(t);
    });
    after(async function () {
      this.timeout(60_000);
      await t?.stop();
    });

    it('a certificate, raw or multipart, on the API or the public endpoint: valid, every check named and passed', async function () {
      const raw = await pdfBody(t, done.certificate);
      assertAllPass(raw);
      assert.equal(raw.body.kind, 'certificate');
      assert.equal(raw.body.processId, done.processId);
      const names = raw.body.checks.map((c) => c.name);
      for (const name of [
        'pdf_seal',
        'pdf_seal_covers_file',
        'pdf_seal_certificate',
        'certificate_attachments',
        'jws_signature',
        'jws_payload_matches_evidence',
        'hash_chain',
        'documents_sealed',
        'certificate_chain',
        'no_secrets',
        'certificate_sealed_by_issuer',
        'certificate_in_custody',
      ]) {
        assert.ok(names.includes(name), `check ${name} in ${names.join(', ')}`);
      }

      const multipart = await post(t, '/v1/evidence/verify', multipartBody(done.certificate));
      assertAllPass(multipart);
      assert.deepEqual(multipart.body.checks, raw.body.checks, 'the same answer however the file came');

      const anonymous = await post(t, '/verify', multipartBody(done.certificate), {}, null);
      assertAllPass(anonymous);
      assert.equal(anonymous.body.processId, done.processId);
      const unauthorised = await post(t, '/v1/evidence/verify', new Uint8Array(done.certificate), { 'content-type': 'application/pdf' }, null);
      assert.equal(unauthorised.status, 401, 'the API route needs a key; the public one does not');
    });

    it('the sealed document: its seal, and the evidence in custody that lists it', async function () {
      const answer = await pdfBody(t, done.signedDocument);
      assertAllPass(answer);
      assert.equal(answer.body.kind, 'sealed_document');
      assert.equal(answer.body.processId, done.processId);
      const listed = answer.body.checks.find((c) => c.name === 'document_in_evidence')!;
      assert.match(listed.detail, new RegExp(done.processId));
      assert.ok(
        answer.body.checks.some((c) => c.name === 'hash_chain' && c.ok),
        "and that evidence's own checks",
      );
    });

    it('the record {evidence, jws} as JSON, with and without the process it must belong to', async function () {
      const response = await fetch(`${t.url}/v1/evidence/verify?processId=${done.processId}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(done.record),
      });
      const answer = { status: response.status, contentType: '', body: await response.json() };
      assertAllPass(answer);
      assert.equal(answer.body.kind, 'evidence');
      assert.ok(answer.body.checks.some((c: { name: string }) => c.name === 'process_matches'));
    });

    it('another process’s certificate on the page of this one: process_matches fails', async function () {
      assertFails(await pdfBody(t, done.certificate, '?processId=prc_someoneElse000'), 'process_matches', /not prc_someoneElse000/);
      assertFails(await post(t, '/verify?processId=prc_someoneElse000', multipartBody(done.certificate), {}, null), 'process_matches');
    });

    it('a byte flipped in the certificate, in its content or in its signature value: the seal names it', async function () {
      // inside the first signed range (page content)
      assertFails(await pdfBody(t, flipByte(done.certificate, 2_000)), 'pdf_seal', /signed bytes were changed/);
      // the last hex digit of the CMS before its zero padding: the ECDSA signature value (B-B has no unsigned attributes)
      const start = offsetOf(done.certificate, '/Contents <') + '/Contents <'.length;
      const hex = done.certificate.subarray(start, offsetOf(done.certificate, '>', start)).toString('latin1');
      const at = start + hex.replace(/0+$/, '').length - 1;
      const forged = Buffer.from(done.certificate);
      forged[at] = forged[at] === 0x31 ? 0x32 : 0x31; // another hex digit: still a well-formed /Contents
      const answer = await pdfBody(t, forged);
      assertFails(answer, 'pdf_seal', /does not verify/);
      assertFails(answer, 'certificate_in_custody');
    });

    it('a byte flipped in the sealed document: the seal fails and no evidence lists it', async function () {
      const answer = await pdfBody(t, flipByte(done.signedDocument, 500));
      assertFails(answer, 'pdf_seal', /signed bytes were changed/);
      assertFails(answer, 'document_in_evidence', /no evidence lists this file/);
    });

    it('the evidence attachment stripped: as a new revision the seal does not cover it; rewritten, the seal breaks', async function () {
      const appended = await pdfBody(t, await stripAttachment(done.certificate, 'evidence.json', { incremental: true }));
      assertFails(appended, 'pdf_seal_covers_file', /added after the seal/);
      assertFails(appended, 'certificate_attachments', /evidence\.json is missing/);
      const rewritten = await pdfBody(t, await stripAttachment(done.certificate, 'evidence.jws', { incremental: false }));
      assert.equal(rewritten.body.valid, false);
      assert.ok(
        rewritten.body.checks.some((c) => !c.ok && c.name.startsWith('pdf_seal')),
        `a seal check fails: ${JSON.stringify(rewritten.body.checks)}`,
      );
      assertFails(rewritten, 'certificate_attachments', /evidence\.jws is missing/);
    });

    it('the evidence attachment replaced by an edited copy: the seal does not cover it and the JWS does not sign it', async function () {
      const edited = structuredClone(done.record.evidence);
      edited.documents[0].signedSha256 = 'f'.repeat(64);
      const answer = await pdfBody(t, await replaceAttachment(done.certificate, 'evidence.json', Buffer.from(JSON.stringify(edited))));
      assertFails(answer, 'pdf_seal_covers_file');
      assertFails(answer, 'jws_payload_matches_evidence', /documents/);
    });

    it('an unsealed PDF and a file that is not a PDF: invalid, and said so', async function () {
      assertFails(await pdfBody(t, await samplePdf()), 'pdf_seal', /not sealed/);
      const garbage = await pdfBody(t, Buffer.from('%PDF-1.7\nthis is not really a PDF'));
      assert.equal(garbage.body.valid, false);
      assert.ok(
        garbage.body.checks.some((c) => !c.ok),
        JSON.stringify(garbage.body.checks),
      );
    });

    it('bad requests: 4xx problems naming what is wrong', async function () {
      const empty = await pdfBody(t, Buffer.alloc(0));
      assert.equal(empty.status, 400);
      assert.equal(empty.body.errors[0].path, 'body');
      const noFile = await post(t, '/v1/evidence/verify', multipartBody(done.certificate, 'document'));
      assert.equal(noFile.status, 400);
      assert.equal(noFile.body.errors[0].path, 'document');
      const form = new FormData();
      form.append('note', 'hello');
      const fieldOnly = await post(t, '/v1/evidence/verify', form);
      assert.equal(fieldOnly.status, 400, JSON.stringify(fieldOnly.body));
      const text = await post(t, '/v1/evidence/verify', 'hello', { 'content-type': 'text/plain' });
      assert.equal(text.status, 415);
      assert.match(text.contentType, /problem\+json/);
      const badQuery = await pdfBody(t, done.certificate, '?processId=../../etc');
      assert.equal(badQuery.status, 400);
      assert.match(JSON.stringify(badQuery.body.errors), /processId/);
      const tooLarge = await pdfBody(t, Buffer.alloc(26 * 1024 * 1024, 0x20));
      assert.equal(tooLarge.status, 413);
    });

    it('the code, the API key and the provider secrets appear in no custody file and no log line', async function () {
      const config = t.stack.config;
      const secrets: Record<string, string> = { code: done.code, apiKey: t.apiKey };
      if (config.whatsapp.accessToken) secrets.whatsappAccessToken = config.whatsapp.accessToken;
      if (config.whatsapp.appSecret) secrets.whatsappAppSecret = config.whatsapp.appSecret;
      if (config.sms.twilioAuthToken) secrets.twilioAuthToken = config.sms.twilioAuthToken;
      const blobs = path.join(config.dataDir, 'blobs');
      const files = readdirSync(blobs, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      assert.ok(files.length >= 6, `custody holds the bundle (${files.length} files)`);
      for (const file of files) {
        const bytes = readFileSync(path.join(file.parentPath, file.name));
        for (const [name, secret] of Object.entries(secrets)) assert.equal(bytes.indexOf(secret), -1, `${name} in custody file ${file.name}`);
      }
      const logs = capturedLogs.join('');
      for (const [name, secret] of Object.entries(secrets)) assert.ok(!logs.includes(secret), `${name} in the logs`);
      for (const part of [done.certificate, done.record.jws, JSON.stringify(done.record.evidence)]) {
        assert.equal(Buffer.from(part).indexOf(done.code), -1, 'the code is not in the evidence or the certificate');
      }
    });
  });
}

// The signing process end to end, through the real API, worker, Temporal and the sandbox, with the
// customer played on the sandbox handset: every opt-in mode, both OTP channels, each way it can end.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verifyCallback } from '../../domain/callback-signature';
import * as jose from 'jose';
import { canonicalBytes, verifyEvidence } from '../../evidence';
import { jwkThumbprint } from '../../evidence/jws';
import { verifyPdf } from '../../evidence/verify-pdf';
import { loadSealIdentity } from '../../sealing';
import { processStateQuery, processWorkflowId } from '../../shared/process';
import { PHONE, REFERENCE, STATUS } from '../../shared/search-attributes';
import { callbackReceiver } from '../support/callback-receiver';
import { pdfsig, pyhankoValidate } from '../support/pdf-validators';
import { startTestTsa, type TestTsa } from '../support/tsa';
import { newPhone, processBody, samplePdf, SandboxCustomer } from '../support/customer';
import { databases, eventually, startTestStack, type TestStack } from '../support/stack';

/** the activities that send a message to the customer */
const SEND_ACTIVITIES = ['sendProcessMessage', 'sendWhatsApp', 'sendProcessDocument', 'sendOtp'];

async function processStatus(t: TestStack, id: string, status: string, timeoutMs = 20_000): Promise<any> {
  return eventually(
    async () => {
      const { body } = await t.request('GET', `/v1/processes/${id}`);
      return body.status === status ? body : undefined;
    },
    `process ${id} ${status}`,
    timeoutMs,
  ).catch(async (error: Error) => {
    // what it is instead, and how it got there
    const { body } = await t.request('GET', `/v1/processes/${id}`);
    const events = (body.events ?? []).map((e: { type: string }) => e.type).join(', ');
    throw new Error(`${error.message}: it is ${body.status} (${body.reason}) at step ${body.step}; events ${events}`);
  });
}

async function create(t: TestStack, overrides: Record<string, unknown> = {}) {
  const body = await processBody(overrides);
  const response = await t.request('POST', '/v1/processes', { body });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { process: response.body, customer: new SandboxCustomer(t, body.customer.phone), body };
}

/** Downloads the sealed copy and has pyHanko and pdfsig validate it against the CA the API publishes (plus extra anchors). */
async function validateSealed(t: TestStack, processId: string, documentId: string, extraTrust: string[] = []): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-sealed-'));
  const signed = await fetch(`${t.url}/v1/processes/${processId}/documents/${documentId}/signed`, { headers: { authorization: `Bearer ${t.apiKey}` } });
  writeFileSync(path.join(dir, 'signed.pdf'), Buffer.from(await signed.arrayBuffer()));
  writeFileSync(path.join(dir, 'ca.pem'), await (await fetch(`${t.url}/.well-known/testigo-ca.pem`)).text());
  const trust = [path.join(dir, 'ca.pem'), ...extraTrust];
  const { status } = await pyhankoValidate(path.join(dir, 'signed.pdf'), trust);
  assert.match(status.output, /:INTACT:TRUSTED/, status.output);
  assert.equal(status.code, 0, status.output);
  const poppler = await pdfsig(path.join(dir, 'signed.pdf'), trust);
  assert.match(poppler.output, /Signature Validation: Signature is Valid\./, poppler.output);
  assert.match(poppler.output, /Signature Type: ETSI\.CAdES\.detached/, poppler.output);
  return status.output;
}

/**
 * The evidence of a completed process: {evidence, jws} verifies (our verifier with the published JWKS, and the jose
 * library), and the certificate is a PAdES-sealed PDF (pyHanko, pdfsig) carrying both as attachments.
 */
async function checkEvidence(t: TestStack, processId: string, certificate: { sha256: string; evidenceSha256: string; chainHead: string }, tsa?: TestTsa) {
  const { status, body } = await t.request('GET', `/v1/processes/${processId}/evidence`);
  assert.equal(status, 200, JSON.stringify(body));
  const jwksSet = await (await fetch(`${t.url}/.well-known/jwks.json`)).json();
  const caPem = await (await fetch(`${t.url}/.well-known/testigo-ca.pem`)).text();
  const result = await verifyEvidence(body, { jwks: jwksSet, trustedCaPem: caPem, trustedTsaCaPems: tsa ? [tsa.caPem] : undefined });
  assert.ok(result.valid, JSON.stringify(result.checks));
  // with TSA_URL: an RFC 3161 token over the chain head, inside the signed evidence
  const stamped = result.checks.find((c) => c.name === 'chain_timestamp')!.detail;
  if (tsa) {
    assert.equal(body.evidence.timestamp.imprint, certificate.chainHead);
    assert.match(
      stamped,
      /^RFC 3161 token of O=Testigo Tests, CN=Test TSA \(serial [0-9a-f]+\) over the chain head at .+; signature valid; chains to O=Testigo Tests, CN=Test TSA Root$/,
    );
  } else {
    assert.equal(body.evidence.timestamp, null);
    assert.equal(stamped, 'no timestamp (TSA_URL not set)');
  }
  assert.equal(body.evidence.process.id, processId);
  assert.equal(body.evidence.events.at(-1).hash, certificate.chainHead);
  assert.equal(createHash('sha256').update(canonicalBytes(body.evidence)).digest('hex'), certificate.evidenceSha256);
  await jose.compactVerify(body.jws, jose.createLocalJWKSet(jwksSet));
  const tampered = structuredClone(body);
  tampered.evidence.documents[0].signedSha256 = '0'.repeat(64);
  assert.equal((await verifyEvidence(tampered, { jwks: jwksSet, trustedCaPem: caPem })).valid, false);

  // the same through the API: valid as issued; a tampered copy names what failed
  const verified = await t.request('POST', '/v1/evidence/verify', { body });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
  assert.equal(verified.body.valid, true, JSON.stringify(verified.body.checks));
  const refused = await t.request('POST', '/v1/evidence/verify', { body: tampered });
  assert.equal(refused.body.valid, false);
  assert.ok(
    refused.body.checks.some((c: any) => c.name === 'jws_payload_matches_evidence' && !c.ok),
    JSON.stringify(refused.body.checks),
  );
  const reordered = structuredClone(body);
  [reordered.evidence.events[1], reordered.evidence.events[2]] = [reordered.evidence.events[2], reordered.evidence.events[1]];
  const broken = await t.request('POST', '/v1/evidence/verify', { body: reordered });
  assert.equal(broken.body.valid, false);
  assert.ok(
    broken.body.checks.some((c: any) => c.name === 'hash_chain' && !c.ok),
    JSON.stringify(broken.body.checks),
  );
  assert.equal((await t.request('POST', '/v1/evidence/verify', { body: { evidence: body.evidence } })).status, 400, 'the JWS is required');

  const dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-certificate-'));
  const pdf = await fetch(`${t.url}/v1/processes/${processId}/certificate`, { headers: { authorization: `Bearer ${t.apiKey}` } });
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const bytes = Buffer.from(await pdf.arrayBuffer());
  assert.equal(createHash('sha256').update(bytes).digest('hex'), certificate.sha256);
  writeFileSync(path.join(dir, 'certificate.pdf'), bytes);
  writeFileSync(path.join(dir, 'ca.pem'), caPem);
  const validation = await pyhankoValidate(path.join(dir, 'certificate.pdf'), [path.join(dir, 'ca.pem'), ...(tsa ? [tsa.caPath] : [])]);
  assert.match(validation.status.output, /:INTACT:TRUSTED/, validation.status.output);
  assert.equal(validation.status.code, 0, validation.status.output);
  const attachments = execFileSync('pdfdetach', ['-list', path.join(dir, 'certificate.pdf')]).toString();
  assert.match(attachments, /evidence\.json/);
  assert.match(attachments, /evidence\.jws/);
  if (tsa) {
    // PAdES B-T: the certificate's seal carries its own RFC 3161 token, trusted through the TSA's CA
    assert.match(validation.status.output, /TIMESTAMP_TOKEN<INTACT:TRUSTED>/, validation.status.output);
    const poppler = await pdfsig(path.join(dir, 'certificate.pdf'), [path.join(dir, 'ca.pem'), tsa.caPath]);
    assert.match(poppler.output, /Signature Validation: Signature is Valid\./, poppler.output);
    // and the chain head's token, as the file a judge hands to `openssl ts -verify -token_in`
    assert.match(attachments, /timestamp\.tst/);
    execFileSync('pdfdetach', ['-savefile', 'timestamp.tst', '-o', path.join(dir, 'timestamp.tst'), path.join(dir, 'certificate.pdf')]);
    assert.equal(readFileSync(path.join(dir, 'timestamp.tst')).toString('base64'), body.evidence.timestamp.timeStampToken);
    const judged = execFileSync(
      'openssl',
      ['ts', '-verify', '-token_in', '-in', path.join(dir, 'timestamp.tst'), '-digest', certificate.chainHead, '-CAfile', tsa.caPath],
      {
        stdio: 'pipe',
      },
    );
    assert.match(judged.toString(), /Verification: OK/);
    // our own offline verifier reads both tokens too, anchored to the TSA's CA when given it
    const offline = await verifyPdf(bytes, { trustedCaPem: caPem, trustedTsaCaPems: [tsa.caPem] });
    assert.deepEqual(
      offline.checks.filter((c) => !c.ok),
      [],
    );
    assert.match(
      offline.checks.find((c) => c.name === 'pdf_seal_timestamp')!.detail,
      /^PAdES B-T: timestamped .+ by O=Testigo Tests, CN=Test TSA; signature valid; chains to/,
    );
    const strangers = await verifyPdf(bytes, { trustedCaPem: caPem, trustedTsaCaPems: [caPem] });
    assert.deepEqual(
      strangers.checks.filter((c) => !c.ok).map((c) => c.name),
      ['pdf_seal_timestamp', 'chain_timestamp'],
      'a TSA the verifier does not trust',
    );
    // and so does `testigo verify`, anchored to both CAs (exit 0, or execFileSync throws)
    const cli = execFileSync(
      process.execPath,
      ['cli/testigo.mjs', 'verify', path.join(dir, 'certificate.pdf'), '--ca', path.join(dir, 'ca.pem'), '--tsa-ca', tsa.caPath],
      { encoding: 'utf8' },
    );
    assert.match(cli, /pdf_seal_timestamp: PAdES B-T: .*chains to O=Testigo Tests, CN=Test TSA Root/);
  } else {
    assert.doesNotMatch(attachments, /timestamp\.tst/);
  }
  const text = execFileSync('pdftotext', [path.join(dir, 'certificate.pdf'), '-']).toString();
  assert.ok(text.includes(body.evidence.process.reference), 'the certificate names the reference');
  assert.ok(text.replace(/\s/g, '').includes(body.evidence.documents[0].signedSha256), 'and the sealed document hash');
  // every receipt of a message, each at its own time, in the evidence and printed in words on its row
  const optInSend = body.evidence.events.find((e: any) => e.type === 'message.sent' && e.detail.purpose === 'opt_in');
  const receipts = body.evidence.events
    .filter((e: any) => e.providerMessageIds?.[0] === optInSend.providerMessageIds[0] && /^message\.(dispatched|delivered|read)$/.test(e.type))
    .map((e: any) => e.type);
  for (const type of ['message.dispatched', 'message.delivered', 'message.read']) assert.ok(receipts.includes(type), `${type} in ${receipts}`);
  assert.match(text, /sent \d\d:\d\d:\d\d\s+delivered \d\d:\d\d:\d\d/, 'the receipts in words');
  // the opt-in template as the customer saw it, in the evidence and quoted on the certificate
  const requested = body.evidence.events.find((e: any) => e.type === 'opt_in.requested');
  if (requested?.detail.template) {
    assert.ok(['es', 'en'].includes(requested.detail.language), requested.detail.language);
    const accepted = body.evidence.events.find((e: any) => e.type === 'opt_in.accepted');
    if (requested.detail.mode === 'whatsapp') assert.equal(accepted.detail.button, requested.detail.buttons[0], 'the button tapped');
    assert.match(requested.detail.text, new RegExp(body.evidence.process.reference), 'the template names the reference');
    assert.doesNotMatch(requested.detail.text, /\{\{/);
    assert.ok(text.replace(/\s/g, '').includes(requested.detail.text.replace(/\s/g, '')), 'the certificate quotes the template');
  }
}

/** Plays the customer from the opt-in to the OTP prompt (English texts). */
async function upToOtp(customer: SandboxCustomer) {
  await customer.tap('Yes, I agree');
  await customer.tap('Received & reviewed');
  await customer.tap('I accept');
}

/** Two processes of one customer, both waiting for their code (the second one asked last). */
async function twoWaitingForCodes(t: TestStack) {
  const phone = newPhone();
  const first = await create(t, { customer: { phone, name: 'Ana', locale: 'en' } });
  await upToOtp(first.customer);
  const firstCode = await first.customer.smsCode();
  const firstPrompt = await first.customer.waitFor((m) => /code by SMS/.test(m.text ?? ''), 'the first process’s code prompt');
  await processStatus(t, first.process.id, 'awaiting_otp');
  const after = await first.customer.mark();
  const second = await create(t, { customer: { phone, name: 'Ana', locale: 'en' } });
  // both processes' buttons are on one handset: tap only the second one's
  await second.customer.tap('Yes, I agree', { after });
  await second.customer.tap('Received & reviewed', { after });
  await second.customer.tap('I accept', { after });
  const secondCode = await second.customer.smsCode(1);
  await processStatus(t, second.process.id, 'awaiting_otp');
  return { first, firstCode, firstPrompt, second, secondCode };
}

for (const kind of databases()) {
  describe(`Signing processes (${kind})`, function () {
    let t: TestStack;

    before(async function () {
      this.timeout(120_000);
      // templates' review status is read on every creation here (60 s cache by default)
      t = await startTestStack(kind, { TEMPLATE_STATUS_TTL: '0s' });
    });
    after(async function () {
      this.timeout(60_000);
      await t?.stop();
    });

    it('WhatsApp opt-in, SMS code: completed, sealed copies delivered and downloadable, callbacks signed', async function () {
      this.timeout(90_000);
      const receiver = await callbackReceiver();
      try {
        const { process, customer, body } = await create(t, { callbackUrl: receiver.url });
        assert.match(process.id, /^prc_/);
        assert.equal(process.status, 'awaiting_opt_in');
        assert.match(process.customer.phone, /^\+34\*+\d{3}$/, 'the phone is masked');
        assert.match(process.documents[0].sha256, /^[0-9a-f]{64}$/);

        const optIn = await customer.waitFor((m) => m.type === 'template' || /WhatsApp/.test(m.text ?? ''), 'the opt-in template');
        assert.ok(optIn.buttons?.some((b) => b.title === 'Yes, I agree'));
        await customer.tap('Yes, I agree');
        const document = await customer.waitFor((m) => m.type === 'document', 'the contract');
        assert.equal(document.document!.sha256, process.documents[0].sha256, 'the customer got exactly the uploaded bytes');
        await customer.tap('Received & reviewed');
        await customer.tap('I accept');
        await processStatus(t, process.id, 'awaiting_otp');
        const code = await customer.smsCode();
        await customer.type(code);
        const done = await processStatus(t, process.id, 'completed', 30_000);

        assert.equal(done.reason, null);
        assert.match(done.documents[0].signedSha256, /^[0-9a-f]{64}$/);
        const types = done.events.map((e: any) => e.type);
        for (const type of [
          'process.created',
          'opt_in.requested',
          'opt_in.accepted',
          'documents.sent',
          'documents.reviewed',
          'conditions.presented',
          'conditions.accepted',
          'otp.sent',
          'otp.verified',
          'document.sealed',
          'signed_documents.delivered',
          'process.completed',
        ]) {
          assert.ok(types.includes(type), `event ${type} in ${types.join(', ')}`);
        }
        assert.ok(!JSON.stringify(done).includes(code), 'the code appears nowhere in the process');
        const verified = done.events.find((e: any) => e.type === 'otp.verified');
        assert.deepEqual([verified.detail.attempt, verified.detail.of], [1, 5]);

        const original = await fetch(`${t.url}/v1/processes/${process.id}/documents/${process.documents[0].id}`, {
          headers: { authorization: `Bearer ${t.apiKey}` },
        });
        const signed = await fetch(`${t.url}/v1/processes/${process.id}/documents/${process.documents[0].id}/signed`, {
          headers: { authorization: `Bearer ${t.apiKey}` },
        });
        assert.equal(signed.headers.get('content-type'), 'application/pdf');
        const originalBytes = Buffer.from(await original.arrayBuffer());
        const signedBytes = Buffer.from(await signed.arrayBuffer());
        assert.ok(signedBytes.subarray(0, originalBytes.length).equals(originalBytes), 'the seal is an incremental update: the original is a prefix');
        assert.match(signedBytes.subarray(originalBytes.length).toString('latin1'), /ETSI\.CAdES\.detached/);

        await validateSealed(t, process.id, process.documents[0].id);

        // operators: search attributes without PII, the live state as a query, a summary naming the reference
        const handle = t.stack.client.workflow.getHandle(`process-${process.id}`);
        const description = await handle.describe();
        assert.equal(description.typedSearchAttributes.get(REFERENCE), body.reference);
        assert.equal(description.typedSearchAttributes.get(STATUS), 'completed');
        assert.equal(description.typedSearchAttributes.get(PHONE), process.customer.phone, 'masked');
        assert.match((await description.staticSummary()) ?? '', new RegExp(body.reference));
        assert.equal((await handle.query(processStateQuery)).status, 'completed');

        const delivered = await customer.waitFor(
          (m) => m.type === 'document' && m.document!.sha256 === done.documents[0].signedSha256,
          'the sealed copy on WhatsApp',
        );
        assert.match(delivered.document!.filename, /signed\.pdf$/);

        // the evidence, issued at completion and kept in custody
        const issued = await eventually(async () => {
          const { body } = await t.request('GET', `/v1/processes/${process.id}`);
          return body.certificate ? body : undefined;
        }, 'the certificate');
        await checkEvidence(t, process.id, issued.certificate);

        const secret = (await t.request('GET', '/v1/settings')).body.callbackSecret as string;
        const completed = await eventually(async () => receiver.received.find((r) => r.body.type === 'process.completed'), 'process.completed callback');
        assert.ok(verifyCallback(secret, completed.raw, String(completed.headers['testigo-signature'])));
        assert.equal(completed.body.data.id, process.id);
        assert.equal(completed.body.data.status, 'completed');
        assert.equal(completed.body.data.certificate.url, `/v1/processes/${process.id}/certificate`, 'process.completed carries the certificate');
        const statuses = receiver.received.filter((r) => r.body.type === 'process.status_changed').map((r) => r.body.data.status);
        for (const status of ['awaiting_review', 'awaiting_acceptance', 'awaiting_otp', 'signing', 'completed'])
          assert.ok(statuses.includes(status), `status_changed ${status} in ${statuses}`);
        // A status callback reads the row written with the change (it waits for that write): what moved it is there.
        const toOtp = receiver.received.find((r) => r.body.type === 'process.status_changed' && r.body.data.status === 'awaiting_otp')!;
        assert.ok(
          toOtp.body.data.events.some((e: { type: string }) => e.type === 'conditions.accepted'),
          toOtp.body.data.events.map((e: { type: string }) => e.type).join(', '),
        );

        // The next message never waits for a read-model write: no write (a local activity, which holds its workflow
        // task) in a task that schedules a send — except where a write waited its longest for a slow send (a timer).
        const history = (await handle.fetchHistory()).events!;
        const taskOf = (e: (typeof history)[number]) =>
          String(e.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId ?? e.markerRecordedEventAttributes?.workflowTaskCompletedEventId);
        const timerTasks = new Set(
          history.flatMap((e, i) => {
            if (!e.timerFiredEventAttributes) return [];
            const next = history.slice(i).find((x) => x.workflowTaskCompletedEventAttributes);
            return next ? [String(next.eventId)] : [];
          }),
        );
        const sendTasks = new Set(
          history.filter((e) => SEND_ACTIVITIES.includes(e.activityTaskScheduledEventAttributes?.activityType?.name ?? '')).map(taskOf),
        );
        const writes = history.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
        assert.ok(sendTasks.size >= 8 && writes.length >= 5, `${sendTasks.size} tasks with sends, ${writes.length} writes`);
        const together = writes.filter((e) => sendTasks.has(taskOf(e)) && !timerTasks.has(taskOf(e)));
        assert.deepEqual(
          together.map((e) => taskOf(e)),
          [],
          'workflow tasks holding a send behind a write',
        );
      } finally {
        await receiver.close();
      }
    });

    it('recorded opt-in, WhatsApp code and a typed phrase: completed, consent evidence kept', async function () {
      this.timeout(90_000);
      const { process, customer } = await create(t, {
        optIn: { mode: 'recorded', collectedAt: '2026-11-01T10:00:00Z', source: 'web form', text: 'Acepto recibir mis documentos por WhatsApp.' },
        otp: { channel: 'whatsapp' },
        extraValidations: [{ type: 'typed_phrase', phrase: 'ACEPTO' }],
        customer: { phone: newPhone(), name: 'Ana García', locale: 'es' },
      });
      assert.equal(process.status, 'awaiting_review');
      await customer.tap('Continuar');
      await customer.tap('Recibido y revisado');
      await customer.tap('Acepto');
      const code = await customer.whatsappCode();
      await customer.type(`${code.slice(0, 3)} ${code.slice(3)}`);
      await processStatus(t, process.id, 'awaiting_validation');
      await customer.type('  acepto ');
      const done = await processStatus(t, process.id, 'completed', 30_000);
      const recorded = done.events.find((e: any) => e.type === 'opt_in.recorded');
      assert.deepEqual(recorded.detail, { collectedAt: '2026-11-01T10:00:00Z', source: 'web form', text: 'Acepto recibir mis documentos por WhatsApp.' });
      assert.ok(done.events.some((e: any) => e.type === 'validation.passed'));
      assert.equal(done.events.find((e: any) => e.type === 'otp.sent').channel, 'whatsapp');
    });

    it('click-to-chat: a link and QR code with a one-time token; the token from another number is refused', async function () {
      this.timeout(90_000);
      const { process, customer } = await create(t, { optIn: { mode: 'click_to_chat' }, channel: 'in_person' });
      assert.match(process.optIn.link, /^https:\/\/wa\.me\/\d+\?text=/);
      assert.match(process.optIn.qr.svg, /<svg/);
      assert.match(process.optIn.qr.png, /^data:image\/png;base64,/);
      const text = new URL(process.optIn.link).searchParams.get('text')!;
      const stranger = new SandboxCustomer(t, newPhone());
      await stranger.type(text);
      await stranger.waitFor((m) => /another phone number/.test(m.text ?? ''), 'the refusal to the stranger');
      assert.equal((await t.request('GET', `/v1/processes/${process.id}`)).body.status, 'awaiting_opt_in');
      await customer.type(text);
      await customer.waitFor((m) => m.type === 'document', 'the documents after the token');
      const body = await processStatus(t, process.id, 'awaiting_review');
      assert.ok(body.events.some((e: any) => e.type === 'opt_in.token_refused'));
      assert.ok(body.events.some((e: any) => e.type === 'opt_in.accepted'));
    });

    describe('ways a process ends without completing', () => {
      it('declined opt-in → rejected (opt_in_declined)', async function () {
        this.timeout(60_000);
        const { process, customer } = await create(t);
        await customer.tap('No');
        const body = await processStatus(t, process.id, 'rejected');
        assert.equal(body.reason, 'opt_in_declined');
      });

      it('rejected conditions → rejected (conditions_rejected)', async function () {
        this.timeout(60_000);
        const { process, customer } = await create(t);
        await customer.tap('Yes, I agree');
        await customer.tap('Received & reviewed');
        await customer.tap('I reject');
        assert.equal((await processStatus(t, process.id, 'rejected')).reason, 'conditions_rejected');
      });

      it('wrong codes until the attempts run out → rejected (otp_failed), the customer told how many remain', async function () {
        this.timeout(60_000);
        const { process, customer } = await create(t, { otp: { maxAttempts: 2 } });
        await upToOtp(customer);
        await customer.smsCode();
        await customer.type('000000');
        await customer.waitFor((m) => /1 attempt left/.test(m.text ?? ''), 'attempts left');
        await customer.type('000001');
        const body = await processStatus(t, process.id, 'rejected');
        assert.equal(body.reason, 'otp_failed');
        assert.equal(body.events.filter((e: any) => e.type === 'otp.attempt_failed').length, 2);
      });

      it('a wrong ID digits answer three times → rejected (validation_failed)', async function () {
        this.timeout(60_000);
        const { process, customer } = await create(t, { extraValidations: [{ type: 'id_last_digits', digits: '1234' }] });
        await upToOtp(customer);
        await customer.type(await customer.smsCode());
        await processStatus(t, process.id, 'awaiting_validation');
        for (const wrong of ['9999', '8888', '7777']) await customer.type(wrong);
        assert.equal((await processStatus(t, process.id, 'rejected')).reason, 'validation_failed');
      });

      it('an expired code offers a new one; the new code completes', async function () {
        this.timeout(90_000);
        const { process, customer } = await create(t, { timeouts: { otp: '30s' } });
        await upToOtp(customer);
        const first = await customer.smsCode();
        await customer.tap('Send a new code', { timeoutMs: 45_000 });
        const second = await customer.smsCode(1);
        assert.notEqual(second, first);
        await customer.type(first);
        await customer.waitFor((m) => /not correct/.test(m.text ?? ''), 'the old code refused');
        await customer.type(second);
        const body = await processStatus(t, process.id, 'completed', 30_000);
        assert.ok(body.events.some((e: any) => e.type === 'otp.expired'));
      });

      it('silence: one reminder, then the step expires (step_timeout)', async function () {
        this.timeout(60_000);
        const { process, customer } = await create(t, { timeouts: { step: '12s', reminder: '5s' } });
        await customer.tap('Yes, I agree');
        await customer.waitFor((m) => /still waiting/.test(m.text ?? ''), 'the reminder');
        const body = await processStatus(t, process.id, 'expired', 30_000);
        assert.equal(body.reason, 'step_timeout');
        assert.equal(body.events.filter((e: any) => e.type === 'reminder.sent').length, 1);
      });

      it('the whole process runs out of time mid-step → expired (process_timeout)', async function () {
        this.timeout(60_000);
        const { process, customer } = await create(t, { timeouts: { process: '12s', step: '1h', reminder: '1h' } });
        await customer.tap('Yes, I agree');
        const body = await processStatus(t, process.id, 'expired', 30_000);
        assert.equal(body.reason, 'process_timeout');
        assert.equal(body.step, 'review');
        await customer.waitFor((m) => /is over/.test(m.text ?? ''), 'the customer told the time is over');
      });

      it('a number not on WhatsApp (131026) → failed (not_on_whatsapp)', async function () {
        this.timeout(60_000);
        const phone = newPhone();
        await t.request('POST', '/sandbox/api/faults', { body: { notOnWhatsApp: [phone] }, apiKey: null });
        try {
          const { process } = await create(t, { customer: { phone, name: 'Nadie', locale: 'en' } });
          assert.equal((await processStatus(t, process.id, 'failed')).reason, 'not_on_whatsapp');
        } finally {
          await t.request('DELETE', '/sandbox/api/faults', { apiKey: null });
        }
      });

      for (const step of ['awaiting_opt_in', 'awaiting_review', 'awaiting_acceptance', 'awaiting_otp']) {
        it(`cancel while ${step} → canceled; a second cancel is 409`, async function () {
          this.timeout(60_000);
          const { process, customer } = await create(t);
          const plays: Record<string, string[]> = {
            awaiting_opt_in: [],
            awaiting_review: ['Yes, I agree'],
            awaiting_acceptance: ['Yes, I agree', 'Received & reviewed'],
            awaiting_otp: ['Yes, I agree', 'Received & reviewed', 'I accept'],
          };
          for (const title of plays[step]) await customer.tap(title);
          await processStatus(t, process.id, step);
          const canceled = await t.request('POST', `/v1/processes/${process.id}/cancel`);
          assert.equal(canceled.status, 200, JSON.stringify(canceled.body));
          assert.equal(canceled.body.status, 'canceled');
          assert.equal(canceled.body.reason, 'canceled_by_business');
          const again = await t.request('POST', `/v1/processes/${process.id}/cancel`);
          assert.equal(again.status, 409);
          assert.equal(again.body.processStatus, 'canceled');
        });
      }
    });

    describe('conversation rules', () => {
      it('duplicated webhooks (every POST delivered three times) have no second effect', async function () {
        this.timeout(90_000);
        await t.request('POST', '/sandbox/api/faults', { body: { duplicateWebhooks: 3, reorderStatuses: true }, apiKey: null });
        try {
          const { process, customer } = await create(t, { documents: [{ name: 'a.pdf', contentBase64: (await samplePdf('A')).toString('base64') }] });
          await customer.tap('Yes, I agree');
          await customer.tap("I didn't get them");
          await customer.waitFor((m) => /sent them again/.test(m.text ?? ''), 'the re-send');
          await customer.tap('Received & reviewed');
          await customer.tap('I accept');
          await customer.type(await customer.smsCode());
          const body = await processStatus(t, process.id, 'completed', 30_000);
          assert.equal(body.events.filter((e: any) => e.type === 'documents.not_received').length, 1, 'one tap, one re-send');
          assert.equal(body.events.filter((e: any) => e.type === 'documents.sent').length, 2);
          const documents = (await customer.chat()).filter((m) => m.type === 'document');
          assert.equal(documents.length, 3, 'original twice (sent + re-sent) and the sealed copy once');
          // Statuses posted last-first (read before delivered): the overtaken `delivered` still reaches the evidence.
          await eventually(async () => ((await t.request('GET', `/v1/processes/${process.id}`)).body.certificate ? true : undefined), 'the certificate');
          const { evidence } = (await t.request('GET', `/v1/processes/${process.id}/evidence`)).body;
          const receipts = (type: string) => new Set(evidence.events.filter((e: any) => e.type === type).flatMap((e: any) => e.providerMessageIds ?? []));
          const read = receipts('message.read');
          const deliveredAndRead = [...receipts('message.delivered')].filter((id) => read.has(id));
          assert.ok(deliveredAndRead.length > 0, `a message read, and its overtaken delivery receipt kept: ${JSON.stringify([...read])}`);
        } finally {
          await t.request('DELETE', '/sandbox/api/faults', { apiKey: null });
        }
      });

      it('a send the provider keeps refusing does not hide the step: the status is written while it is retried, then it goes out', async function () {
        this.timeout(90_000);
        const { process, customer } = await create(t);
        await customer.tap('Yes, I agree');
        await customer.waitFor((m) => m.buttons?.some((b) => b.title === 'Received & reviewed') ?? false, 'the review prompt');
        // the acceptance prompt is refused three times (131000, retried after 1, 2 and 4 s): about 7 s on its way
        await t.request('POST', '/sandbox/api/faults', { body: { failNext: { count: 3, code: 131000 } }, apiKey: null });
        try {
          await customer.tap('Received & reviewed');
          const waiting = await processStatus(t, process.id, 'awaiting_acceptance');
          assert.equal(waiting.step, 'acceptance');
          const prompts = (await customer.chat()).filter((m) => m.buttons?.some((b) => b.title === 'I accept'));
          assert.deepEqual(prompts, [], 'the status was written before the prompt got through');
          await customer.tap('I accept');
          await processStatus(t, process.id, 'awaiting_otp');
        } finally {
          await t.request('DELETE', '/sandbox/api/faults', { apiKey: null });
        }
      });

      it('two processes wait for one customer’s code: a quoted reply goes to its own, typed text to the one that asked last, then to the other once that one has its code', async function () {
        this.timeout(90_000);
        const { first, firstCode, firstPrompt, second, secondCode } = await twoWaitingForCodes(t);
        const events = async (id: string) => ((await t.request('GET', `/v1/processes/${id}`)).body.events as Array<{ type: string }>).map((e) => e.type);
        const event = (id: string, type: string) => eventually(async () => ((await events(id)).includes(type) ? true : undefined), `${id} ${type}`, 30_000);

        // both wait: a reply quoting the first one's prompt goes to the first, though the second asked last
        const wrong = firstCode.slice(0, -1) + ((Number(firstCode.at(-1)) + 1) % 10);
        await first.customer.send({ text: wrong, contextId: firstPrompt.id });
        await event(first.process.id, 'otp.attempt_failed');
        // unquoted text goes to the one that asked last
        await second.customer.type(secondCode);
        await event(second.process.id, 'otp.verified');
        assert.ok(!(await events(second.process.id)).includes('otp.attempt_failed'), 'the quoted wrong code reached the second process');
        // the second has its code and stops listening at once (it is still sealing): typed text goes to the first
        await first.customer.type(firstCode);
        await processStatus(t, first.process.id, 'completed', 30_000);
        await processStatus(t, second.process.id, 'completed', 30_000);
        assert.equal((await events(first.process.id)).filter((type) => type === 'otp.attempt_failed').length, 1);
      });

      it('a process an operator terminates in the Temporal UI does not swallow a code the customer types for another', async function () {
        this.timeout(90_000);
        const { first: waiting, firstCode: code, second: terminated } = await twoWaitingForCodes(t);
        // its wait for typed text is the newest for this phone, and a terminated workflow runs no code to close it
        await t.stack.client.workflow.getHandle(processWorkflowId(terminated.process.id)).terminate('operator: wrong contract');
        await waiting.customer.type(code);
        await processStatus(t, waiting.process.id, 'completed', 30_000);
        assert.equal(await t.stack.db.prisma.conversationWait.count({ where: { workflowId: processWorkflowId(terminated.process.id) } }), 0);
      });

      it('the 24-hour window closing mid-process: the reminder template re-opens it, then the step goes on', async function () {
        this.timeout(90_000);
        const { process, customer } = await create(t, { timeouts: { reminder: '5s' } });
        await customer.tap('Yes, I agree');
        await customer.tap('Received & reviewed');
        await customer.waitFor((m) => /Do you accept/.test(m.text ?? ''), 'the acceptance prompt');
        // 25 hours pass without the customer writing: the window is closed when the reminder is due
        await t.stack.db.prisma.conversationWindow.updateMany({
          where: { customer: customer.phone },
          data: { lastInboundAt: new Date(Date.now() - 25 * 3_600_000) },
        });
        const template = await customer.waitFor((m) => m.type === 'template' && /still waiting/.test(m.text ?? ''), 'the reminder template', 30_000);
        assert.deepEqual(
          template.buttons?.map((b) => b.title),
          ['Continue'],
        );
        const prompts = (await customer.chat()).filter((m) => /Do you accept/.test(m.text ?? '')).length;
        await customer.tap('Continue');
        // the window is open again: the question comes back as a free-form message
        await eventually(
          async () => ((await customer.chat()).filter((m) => /Do you accept/.test(m.text ?? '')).length > prompts ? true : undefined),
          'the question again',
        );
        await customer.tap('I accept');
        await customer.type(await customer.smsCode());
        const body = await processStatus(t, process.id, 'completed', 30_000);
        const reminder = body.events.find((e: any) => e.type === 'reminder.sent');
        assert.equal(reminder.detail.template, true);
      });
    });

    describe('the API', () => {
      it('multipart upload: a process JSON field and PDF files', async function () {
        this.timeout(60_000);
        const form = new FormData();
        const body = await processBody();
        delete body.documents;
        form.set('process', JSON.stringify(body));
        form.append('documents', new Blob([new Uint8Array(await samplePdf('Uno'))], { type: 'application/pdf' }), 'uno.pdf');
        form.append('documents', new Blob([new Uint8Array(await samplePdf('Dos', 3))], { type: 'application/pdf' }), 'dos.pdf');
        const response = await fetch(`${t.url}/v1/processes`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}` }, body: form });
        const created = await response.json();
        assert.equal(response.status, 201, JSON.stringify(created));
        assert.deepEqual(
          created.documents.map((d: any) => [d.name, d.pages]),
          [
            ['uno.pdf', 1],
            ['dos.pdf', 3],
          ],
        );
      });

      it('bad input: 400 naming every bad field, nothing stored, nothing started', async function () {
        this.timeout(60_000);
        const before = await t.stack.db.prisma.process.count();
        const pdf = (await samplePdf()).toString('base64');
        const cases: Array<[string, Record<string, unknown>, number, string[]]> = [
          [
            'not a PDF',
            { documents: [{ name: 'x.pdf', contentBase64: Buffer.from('GIF89a not a pdf').toString('base64') }] },
            400,
            ['/documents/0/contentBase64'],
          ],
          [
            'encrypted PDF',
            {
              documents: [{ name: 'x.pdf', contentBase64: readFileSync(new URL('../fixtures/pdf/encrypted-aes256.pdf', import.meta.url)).toString('base64') }],
            },
            400,
            ['/documents/0/contentBase64'],
          ],
          [
            'broken PDF',
            { documents: [{ name: 'x.pdf', contentBase64: Buffer.from('%PDF-1.7\n1 0 obj <<').toString('base64') }] },
            400,
            ['/documents/0/contentBase64'],
          ],
          ['11 documents', { documents: Array.from({ length: 11 }, (_, i) => ({ name: `d${i}.pdf`, contentBase64: pdf })) }, 400, ['/documents']],
          [
            'bad phone and unknown validation',
            { customer: { phone: '600111222', name: 'Ana' }, extraValidations: [{ type: 'selfie' }] },
            400,
            ['/customer/phone', '/extraValidations/0'],
          ],
          ['unparsable durations', { timeouts: { step: 'three days', process: '7 weeks' } }, 400, ['/timeouts/step', '/timeouts/process']],
          ['non-http callback', { callbackUrl: 'ftp://business.example/x' }, 400, ['/callbackUrl']],
          ['recorded opt-in without its evidence', { optIn: { mode: 'recorded' } }, 400, ['/optIn/collectedAt', '/optIn/source', '/optIn/text']],
          [
            'oversized document',
            {
              documents: [
                { name: 'big.pdf', contentBase64: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(21 * 1024 * 1024, 32)]).toString('base64') },
              ],
            },
            413,
            ['/documents/0/contentBase64'],
          ],
        ];
        for (const [name, overrides, status, paths] of cases) {
          const response = await t.request('POST', '/v1/processes', { body: await processBody(overrides) });
          assert.equal(response.status, status, `${name}: ${JSON.stringify(response.body).slice(0, 300)}`);
          assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
          const named = (response.body.errors ?? []).map((e: any) => e.path);
          for (const path of paths)
            assert.ok(
              named.some((p: string) => p === path || p.startsWith(`${path}/`)),
              `${name}: ${path} named in ${JSON.stringify(named)}`,
            );
        }
        assert.equal(await t.stack.db.prisma.process.count(), before, 'nothing stored');
      });

      it('Idempotency-Key replays the first response; another tenant cannot see the process', async function () {
        this.timeout(60_000);
        const body = await processBody();
        const headers = { 'idempotency-key': `k-${Date.now()}` };
        const first = await t.request('POST', '/v1/processes', { body, headers });
        const again = await t.request('POST', '/v1/processes', { body, headers });
        assert.equal(first.status, 201);
        assert.deepEqual(again.body.id, first.body.id);
        const other = await t.request('POST', '/v1/processes', { body: { ...body, reference: 'other' }, headers });
        assert.equal(other.status, 409);
        await t.stack.db.prisma.tenant.create({ data: { id: 'other-tenant', name: 'Other', callbackSecret: 'x' } });
        const { hashApiKey } = await import('../../domain/tenants');
        await t.stack.db.prisma.apiKey.create({
          data: { id: 'key_other', tenantId: 'other-tenant', keyHash: hashApiKey('tsk_other_tenant_key'), prefix: 'tsk_othe' },
        });
        for (const path of [`/v1/processes/${first.body.id}`, `/v1/processes/${first.body.id}/documents/${first.body.documents[0].id}`]) {
          assert.equal((await t.request('GET', path, { apiKey: 'tsk_other_tenant_key' })).status, 404);
        }
        assert.equal((await t.request('POST', `/v1/processes/${first.body.id}/cancel`, { apiKey: 'tsk_other_tenant_key' })).status, 404);
        const list = await t.request('GET', '/v1/processes', { apiKey: 'tsk_other_tenant_key' });
        assert.deepEqual(list.body.items, []);
      });

      it('lists by status and reference, newest first, with a cursor', async function () {
        this.timeout(60_000);
        const reference = `LIST-${Date.now()}`;
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) ids.push((await t.request('POST', '/v1/processes', { body: await processBody({ reference }) })).body.id);
        const page1 = await t.request('GET', `/v1/processes?reference=${reference}&limit=2`);
        assert.deepEqual(
          page1.body.items.map((p: any) => p.id),
          [ids[2], ids[1]],
        );
        const page2 = await t.request('GET', `/v1/processes?reference=${reference}&limit=2&cursor=${page1.body.nextCursor}`);
        assert.deepEqual(
          page2.body.items.map((p: any) => p.id),
          [ids[0]],
        );
        assert.equal(page2.body.nextCursor, null);
        const awaiting = await t.request('GET', `/v1/processes?reference=${reference}&status=awaiting_opt_in`);
        assert.equal(awaiting.body.items.length, 3);
        assert.equal((await t.request('GET', `/v1/processes?reference=${reference}&status=completed`)).body.items.length, 0);
        assert.equal((await t.request('GET', '/v1/processes?status=done')).status, 400);
      });

      it('a template WhatsApp has not approved: 422 naming it, nothing started', async function () {
        this.timeout(60_000);
        await t.request('POST', '/sandbox/api/templates/review', {
          body: { name: 'testigo_opt_in', language: 'en', status: 'REJECTED', reason: 'test' },
          apiKey: null,
        });
        try {
          const before = await t.stack.db.prisma.process.count();
          const response = await t.request('POST', '/v1/processes', { body: await processBody() });
          assert.equal(response.status, 422, JSON.stringify(response.body));
          assert.match(response.body.detail, /testigo_opt_in \(en\): REJECTED/);
          assert.equal(await t.stack.db.prisma.process.count(), before, 'nothing stored');
          // Spanish is still approved: a Spanish process starts
          const es = await t.request('POST', '/v1/processes', { body: await processBody({ customer: { phone: newPhone(), name: 'Ana', locale: 'es' } }) });
          assert.equal(es.status, 201);
        } finally {
          await t.request('POST', '/sandbox/api/templates/review', { body: { name: 'testigo_opt_in', language: 'en', status: 'APPROVED' }, apiKey: null });
        }
      });

      it('publishes the seal CA', async function () {
        const response = await fetch(`${t.url}/.well-known/testigo-ca.pem`);
        assert.equal(response.status, 200);
        assert.match(await response.text(), /^-----BEGIN CERTIFICATE-----/);
      });

      it('publishes the seal key as a JWK Set that any JOSE library verifies ES256 signatures with', async function () {
        const response = await fetch(`${t.url}/.well-known/jwks.json`);
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /application\/jwk-set\+json/);
        const set = await response.json();
        const identity = await loadSealIdentity({ dataDir: t.stack.config.dataDir });
        assert.equal(set.keys.length, 1);
        assert.equal(set.keys[0].kid, jwkThumbprint(identity.privateKey));
        assert.equal(set.keys[0].d, undefined, 'no private part');
        const jws = await new jose.CompactSign(new TextEncoder().encode('{"probe":1}'))
          .setProtectedHeader({ alg: 'ES256', kid: set.keys[0].kid })
          .sign(identity.privateKey);
        const { payload } = await jose.compactVerify(jws, jose.createLocalJWKSet(set));
        assert.equal(new TextDecoder().decode(payload), '{"probe":1}');
      });
    });
  });
}

describe('Signing processes with a time-stamp authority (TSA_URL)', function () {
  let t: TestStack;
  let tsa: TestTsa;

  before(async function () {
    this.timeout(120_000);
    tsa = await startTestTsa();
    t = await startTestStack('pglite', { TSA_URL: tsa.url });
  });
  after(async function () {
    this.timeout(60_000);
    await t?.stop();
    await tsa?.stop();
  });

  it('seals PAdES B-T and time-stamps the evidence: every token validates and is trusted', async function () {
    this.timeout(90_000);
    const { process, customer } = await create(t);
    await upToOtp(customer);
    await customer.type(await customer.smsCode());
    const done = await processStatus(t, process.id, 'completed', 30_000);
    assert.equal(done.events.find((e: any) => e.type === 'document.sealed').detail.level, 'B-T');
    const status = await validateSealed(t, process.id, process.documents[0].id, [tsa.caPath]);
    assert.match(status, /TIMESTAMP_TOKEN<INTACT:TRUSTED>/, status);
    // the evidence: a token over its chain head, and a certificate sealed B-T
    const issued = await eventually(async () => {
      const { body } = await t.request('GET', `/v1/processes/${process.id}`);
      return body.certificate ? body : undefined;
    }, 'the certificate');
    await checkEvidence(t, process.id, issued.certificate, tsa);
    // one token per sealed document, one over the chain head, one for the certificate's seal
    assert.ok(tsa.requests >= process.documents.length + 2, `${tsa.requests} TSA requests`);
  });

  // Without heartbeats a worker killed mid-seal left the process waiting out the whole 2-minute start-to-close
  // timeout before another worker retried; with them, Temporal gives up on a silent worker after 30 s.
  it('a seal waiting on a slow TSA heartbeats to Temporal; every long activity is scheduled with a heartbeat timeout', async function () {
    this.timeout(90_000);
    const { process, customer } = await create(t);
    await upToOtp(customer);
    tsa.mode = 'hold';
    await customer.type(await customer.smsCode());
    const handle = t.stack.client.workflow.getHandle(processWorkflowId(process.id));
    try {
      const sealing = await eventually(async () => {
        const { raw } = await handle.describe();
        return raw.pendingActivities?.find((a) => a.activityType?.name === 'sealProcessDocument' && a.lastHeartbeatTime);
      }, 'a heartbeat from the sealing activity');
      assert.equal(sealing.attempt, 1, 'the first attempt, still running');
    } finally {
      tsa.release();
    }
    await processStatus(t, process.id, 'completed', 30_000);
    // (`certificate` is null until issued: eventually() waits only while the probe answers undefined)
    await eventually(async () => (await t.request('GET', `/v1/processes/${process.id}`)).body.certificate ?? undefined, 'the certificate');
    const long = new Set(['sendProcessMessage', 'sendProcessDocument', 'sealProcessDocument', 'issueEvidence']);
    const scheduled = (await handle.fetchHistory()).events!.flatMap((e) => {
      const a = e.activityTaskScheduledEventAttributes;
      return a && long.has(a.activityType!.name!) ? [{ type: a.activityType!.name!, heartbeat: Number(a.heartbeatTimeout?.seconds ?? 0) }] : [];
    });
    assert.deepEqual([...new Set(scheduled.map((a) => a.type))].sort(), [...long].sort());
    assert.deepEqual(
      scheduled.filter((a) => a.heartbeat !== 30),
      [],
    );
  });
});

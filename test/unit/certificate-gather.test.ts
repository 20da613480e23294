// The gather step (evidence/certificate/gather.ts): evidence built by the evidence module's own builder from a
// realistic recorded process, put into the certificate's view in Spanish and English, then rendered and read back
// with poppler's pdftotext.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildEvidence, type Evidence } from '../../evidence';
import { certificateViewOf, type GatherOptions } from '../../evidence/certificate/gather';
import { renderCertificate } from '../../evidence/certificate/render';
import {
  eventPhrase,
  identificationWords,
  messagePhrase,
  optInHowWords,
  optInModeWords,
  otpFailureWords,
  reasonWords,
  receiptWord,
  statusWords,
  TEXTS,
} from '../../evidence/certificate/texts';
import type { CertificateLocale, CertificateView } from '../../evidence/certificate/view';
import type { ProcessReason } from '../../shared/process';
import { completedState, DOCS, evidenceSource, expiredRecordedState, REFERENCE, SIGNED, t, type RecordedState } from '../support/evidence-fixture';

const run = promisify(execFile);

// ---- a realistic completed process, shaped as the workflow records it (test/support/evidence-fixture.ts) -----

/** The opt-in request as the customer saw it (what activities/evidence.ts renders from the template definitions). */
const SHOWN = {
  language: 'es',
  text: '¡Hola! Acme Seguros quiere enviarte por WhatsApp los documentos de C-2026-0042 para que los revises y los firmes aquí. ¿Aceptas recibir estos mensajes por WhatsApp?',
  footer: 'Puedes dejar de recibirlos cuando quieras.',
  buttons: ['Sí, acepto', 'No'],
};

function evidenceOf(state: RecordedState, documents = DOCS, reference = REFERENCE): Evidence {
  return buildEvidence({ ...evidenceSource({ state, documents, reference }), templates: (name) => (name === 'testigo_opt_in' ? SHOWN : null) });
}

const optionsFor = (locale: CertificateLocale): GatherOptions => ({
  locale,
  timeZone: 'Europe/Madrid',
  verificationUrl: 'https://testigo.example.com/verify/prc_01JD8K3M2A',
});

const RECEIPT_TYPES = new Set(['message.delivered', 'message.read', 'message.failed']);

describe('evidence certificate: gathering the view from the evidence', () => {
  const evidence = evidenceOf(completedState());
  const byType = (type: string) => evidence.events.filter((e) => e.type === type);

  for (const locale of ['es', 'en'] as const) {
    describe(`in ${locale}`, () => {
      const view = certificateViewOf(evidence, optionsFor(locale));

      it('maps the summary, the parties, the integrity facts and the chain head', () => {
        assert.equal(view.locale, locale);
        assert.equal(view.timeZone, 'Europe/Madrid');
        assert.deepEqual(view.summary, {
          processId: 'prc_01JD8K3M2A',
          reference: 'C-2026-0042',
          status: statusWords(locale, 'completed'),
          reason: null,
          createdAt: evidence.process.createdAt,
          completedAt: t('02:22.800'),
          issuedAt: '2026-11-30T10:02:25.000Z',
        });
        assert.deepEqual(view.parties, {
          business: { name: 'Acme Seguros' },
          customer: {
            name: 'Ana García Núñez',
            phone: '+34600111222',
            identificationLevel: TEXTS.identificationLevels.identified[locale],
            identificationReference: 'crm-889',
            channel: TEXTS.contractingChannels.online[locale],
          },
        });
        assert.deepEqual(view.history, evidence.history);
        assert.deepEqual(view.issuer, { subject: evidence.issuer.subject, fingerprint: evidence.issuer.certificateSha256 });
        assert.equal(view.chainHead, evidence.events[evidence.events.length - 1].hash);
        assert.equal(view.verificationUrl, 'https://testigo.example.com/verify/prc_01JD8K3M2A');
      });

      it('lists every document with both hashes and its seal level from document.sealed', () => {
        assert.deepEqual(
          view.documents,
          DOCS.map((d, i) => ({
            name: d.name,
            pages: d.pages,
            size: d.size,
            sha256: d.sha256,
            signedSha256: SIGNED[i],
            sealLevel: i === 0 ? 'PAdES B-B' : 'PAdES B-T',
          })),
        );
      });

      it('folds every receipt into the row of the message it acknowledges', () => {
        const receipts = evidence.events.filter((e) => RECEIPT_TYPES.has(e.type));
        assert.ok(receipts.length >= 10, `the fixture has receipts (${receipts.length})`);
        // one row per event but the receipts, in chain order, each with its own hash
        const rowEvents = evidence.events.filter((e) => !RECEIPT_TYPES.has(e.type));
        assert.deepEqual(
          view.timeline.map((r) => [r.seq, r.hash]),
          rowEvents.map((e) => [e.seq, e.hash]),
        );
        // every receipt is on the message.sent row of its message, with the kind and the time the evidence says
        const kinds = { 'message.delivered': 'delivered', 'message.read': 'read', 'message.failed': 'failed' } as const;
        for (const receipt of receipts) {
          const id = receipt.providerMessageIds![0];
          const sent = evidence.events.find((e) => e.type === 'message.sent' && e.providerMessageIds?.[0] === id)!;
          const row = view.timeline.find((r) => r.seq === sent.seq)!;
          assert.equal(row.providerMessageId, id);
          const error = receipt.type === 'message.failed' ? { error: String(receipt.detail.error) } : {};
          assert.deepEqual(row.receipts, [{ kind: kinds[receipt.type as keyof typeof kinds], at: receipt.at, ...error }], id);
        }
        // and nowhere else
        const withReceipts = view.timeline.filter((r) => r.receipts.length > 0);
        assert.equal(withReceipts.length, receipts.length);
        // spot checks: the opt-in template was read, the wrong-code notice failed, the SMS was delivered
        const rowOfMessage = (id: string) =>
          view.timeline.find((r) => r.seq === evidence.events.find((e) => e.type === 'message.sent' && e.providerMessageIds?.[0] === id)!.seq)!;
        assert.deepEqual(rowOfMessage('wamid.OPTIN').receipts, [{ kind: 'read', at: '2026-11-30T10:00:05.000Z' }]);
        assert.deepEqual(rowOfMessage('wamid.WRONG').receipts, [{ kind: 'failed', at: '2026-11-30T10:01:51.000Z', error: '131049' }]);
        assert.equal(rowOfMessage('SM6f1c0a').channel, 'SMS');
        assert.deepEqual(rowOfMessage('SM6f1c0a').receipts, [{ kind: 'delivered', at: '2026-11-30T10:01:33.000Z' }]);
        // a message that got no receipt keeps an empty list
        assert.deepEqual(rowOfMessage('wamid.VALPROMPT').receipts, []);
        // the receipts print with the texts' words
        assert.ok(receiptWord(locale, 'read').length > 0);
      });

      it('puts each process event into the texts’ words, with its facts', () => {
        const row = (type: string, n = 0) => view.timeline.find((r) => r.seq === byType(type)[n].seq)!;
        assert.equal(row('process.created').event, eventPhrase(locale, 'process.created'));
        assert.equal(row('process.created').channel, 'API');
        assert.equal(row('opt_in.requested').event, eventPhrase(locale, 'opt_in.requested'));
        assert.equal(row('otp.sent').event, eventPhrase(locale, 'otp.sent', { channel: 'SMS' }));
        assert.equal(row('otp.attempt_failed').event, eventPhrase(locale, 'otp.attempt_failed', { attempt: 1, maxAttempts: 5 }));
        assert.equal(row('otp.verified').event, eventPhrase(locale, 'otp.verified', { attempt: 2, maxAttempts: 5 }));
        assert.match(row('otp.verified').event, locale === 'es' ? /intento 2 de 5/ : /attempt 2 of 5/);
        assert.equal(row('document.sealed', 0).event, eventPhrase(locale, 'document.sealed', { document: DOCS[0].name }));
        assert.equal(row('document.sealed', 1).event, eventPhrase(locale, 'document.sealed', { document: DOCS[1].name }));
        // two documents sent in one event: the singular phrase names neither
        assert.equal(row('documents.sent').event, eventPhrase(locale, 'documents.sent'));
        assert.equal(row('documents.sent').providerMessageId, 'wamid.DOC1, wamid.DOC2');
        assert.equal(row('process.completed').event, eventPhrase(locale, 'process.completed'));
        assert.equal(row('process.completed').channel, null);
        // the conversation's own messages say what they were for (the workflow's recorded purpose)
        assert.equal(row('message.sent').event, messagePhrase(locale, 'sent', 'opt_in'));
        assert.notEqual(row('message.sent').event, messagePhrase(locale, 'sent', undefined), 'the purpose is named');
        assert.match(row('message.received').event, locale === 'es' ? /^El cliente / : /^The customer /);
      });

      it('records the code: its channel, when it was sent and verified, attempt n of m', () => {
        assert.deepEqual(view.otp, {
          channel: 'SMS',
          sentAt: byType('otp.sent')[0].at,
          verifiedAt: byType('otp.verified')[0].at,
          attempt: 2,
          maxAttempts: 5,
        });
      });

      it('records the opt-in by WhatsApp: its mode, how and when it was given, the request as the customer saw it', () => {
        assert.deepEqual(view.optIn, {
          mode: optInModeWords(locale, 'whatsapp'),
          how: optInHowWords(locale, 'whatsapp', { button: 'Sí, acepto' }),
          acceptedAt: byType('opt_in.accepted')[0].at,
          templateText: SHOWN.text,
          templateHeading: TEXTS.labels.optInRequestShown[locale],
          templateName: 'testigo_opt_in, es',
          templateFooter: SHOWN.footer,
          templateButtons: ['Sí, acepto', 'No'],
          recorded: null,
        });
        assert.match(view.optIn.how!, /«Sí, acepto»|“Sí, acepto”/);
        const accepted = view.timeline.find((r) => r.seq === byType('opt_in.accepted')[0].seq)!;
        assert.equal(accepted.event, eventPhrase(locale, 'opt_in.accepted', { button: 'Sí, acepto' }));
      });
    });
  }

  it('folds all of a message’s receipts into its row, in the order they happened; a failure with its error code', () => {
    const state = completedState();
    const optIn = state.messages.find((m) => m.messageId === 'wamid.OPTIN')!;
    optIn.receipts = { sent: t('00:01'), read: t('00:05'), delivered: t('00:06') };
    const wrong = state.messages.find((m) => m.messageId === 'wamid.WRONG')!;
    wrong.receipts = { sent: t('01:51'), failed: t('01:52') };
    const withReceipts = evidenceOf(state);
    const view = certificateViewOf(withReceipts, optionsFor('es'));
    const rowOf = (id: string) =>
      view.timeline.find((r) => r.seq === withReceipts.events.find((e) => e.type === 'message.sent' && e.providerMessageIds?.[0] === id)!.seq)!;
    assert.deepEqual(rowOf('wamid.OPTIN').receipts, [
      { kind: 'sent', at: t('00:01.000') },
      { kind: 'read', at: t('00:05.000') },
      { kind: 'delivered', at: t('00:06.000') },
    ]);
    assert.deepEqual(rowOf('wamid.WRONG').receipts, [
      { kind: 'sent', at: t('01:51.000') },
      { kind: 'failed', at: t('01:52.000'), error: '131049' },
    ]);
    assert.deepEqual(
      (['sent', 'delivered', 'read', 'failed'] as const).map((k) => receiptWord('es', k)),
      ['enviado', 'entregado', 'leído', 'fallido'],
    );
  });

  it('puts every end reason, code failure, identification level and validation into words, in both languages', () => {
    const reasons: ProcessReason[] = [
      'opt_in_declined',
      'conditions_rejected',
      'otp_failed',
      'validation_failed',
      'step_timeout',
      'process_timeout',
      'canceled_by_business',
      'not_on_whatsapp',
      'documents_not_received',
      'otp_undeliverable',
      'message_rejected',
      'sealing_failed',
    ];
    for (const locale of ['es', 'en'] as const) {
      for (const reason of reasons) {
        const words = reasonWords(locale, reason);
        assert.notEqual(words, reason, `${reason} (${locale}) has words`);
        assert.doesNotMatch(words, /_/, `${reason} (${locale}) is not an identifier`);
      }
      for (const failure of ['max_attempts_reached', 'no_codes_left', 'undeliverable']) assert.notEqual(otpFailureWords(locale, failure), failure);
      for (const level of ['identified', 'onboarding']) assert.notEqual(identificationWords(locale, level), level);
      // a level of the business's own, or a reason of a later version, is printed as recorded rather than dropped
      assert.equal(identificationWords(locale, 'kyc-level-3'), 'kyc-level-3');
      assert.equal(reasonWords(locale, 'meteor_strike'), 'meteor_strike');
    }
    assert.equal(reasonWords('es', 'conditions_rejected'), 'el cliente rechazó las condiciones');
    assert.equal(reasonWords('en', 'otp_undeliverable'), 'the one-time code could not be delivered on any channel');

    // a rejected process, in words: the summary's reason and the timeline's last rows
    const state = completedState();
    state.status = 'rejected';
    state.reason = 'otp_failed';
    state.documents = DOCS.map((d) => ({ id: d.id, signedSha256: null }));
    state.events = [
      ...state.events.slice(0, 9),
      { at: t('02:00.000'), type: 'otp.failed', detail: { reason: 'max_attempts_reached', code: 1 } },
      { at: t('02:00.100'), type: 'process.rejected', detail: { reason: 'otp_failed' } },
    ];
    const rejected = evidenceOf(state);
    const es = certificateViewOf(rejected, optionsFor('es'));
    assert.equal(es.summary.reason, 'el cliente no escribió el código de un solo uso correcto en los intentos permitidos');
    const rowsOf = (...types: string[]) => rejected.events.filter((e) => types.includes(e.type)).map((e) => es.timeline.find((r) => r.seq === e.seq)!.event);
    assert.deepEqual(rowsOf('otp.failed', 'process.rejected'), [
      'No pudo verificarse el código: el cliente agotó los intentos permitidos',
      'El proceso terminó rechazado: el cliente no escribió el código de un solo uso correcto en los intentos permitidos',
    ]);
    const en = certificateViewOf(
      { ...rejected, parties: { ...rejected.parties, customer: { ...rejected.parties.customer, identification: null } } },
      optionsFor('en'),
    );
    assert.equal(en.parties.customer.identificationLevel, 'Not stated by the business');
    const validation = certificateViewOf(evidence, optionsFor('en')).timeline.find((r) => r.seq === byType('validation.requested')[0].seq)!;
    assert.equal(validation.event, 'The customer was asked for an additional validation: to type a phrase set by the business');
  });

  it('speaks the chosen language', () => {
    const es = certificateViewOf(evidence, optionsFor('es'));
    const en = certificateViewOf(evidence, optionsFor('en'));
    assert.equal(es.summary.status, 'Completado');
    assert.equal(en.summary.status, 'Completed');
    assert.notEqual(es.timeline[0].event, en.timeline[0].event);
    // everything but the words is the same
    const facts = (v: CertificateView) => v.timeline.map((r) => ({ ...r, event: undefined }));
    assert.deepEqual(facts(es), facts(en));
  });

  it('lets the caller override the business name and the seal levels', () => {
    const view = certificateViewOf(evidence, { ...optionsFor('en'), businessName: 'Acme Seguros, S.A.', sealLevels: { [DOCS[0].id]: 'B-T' } });
    assert.equal(view.parties.business.name, 'Acme Seguros, S.A.');
    assert.deepEqual(
      view.documents.map((d) => d.sealLevel),
      ['PAdES B-T', 'PAdES B-T'],
    );
  });

  it('leaves empty what a process that ended early did not record: no code, nothing sealed; keeps recorded consent', () => {
    const early = evidenceOf(expiredRecordedState(), [DOCS[0]], 'C-2026-0043');
    for (const locale of ['es', 'en'] as const) {
      const view = certificateViewOf(early, optionsFor(locale));
      assert.equal(view.summary.status, statusWords(locale, 'expired'));
      // it ended, though it did not complete: the summary says when
      assert.equal(view.summary.completedAt, early.events.find((e) => e.type === 'process.expired')!.at);
      assert.equal(view.otp, null);
      assert.deepEqual(view.documents, [{ name: DOCS[0].name, pages: 3, size: 48213, sha256: DOCS[0].sha256, signedSha256: null, sealLevel: null }]);
      assert.deepEqual(view.optIn, {
        mode: optInModeWords(locale, 'recorded'),
        how: optInHowWords(locale, 'recorded'),
        acceptedAt: early.events.find((e) => e.type === 'opt_in.recorded')!.at,
        templateText: null,
        templateHeading: null,
        templateName: null,
        templateFooter: null,
        templateButtons: [],
        recorded: { text: 'Acepto recibir mi contrato por WhatsApp.', source: 'Formulario web 2026/11', collectedAt: '2026-11-02T09:00:00.000Z' },
      });
      const rowOf = (type: string) => view.timeline.find((r) => r.seq === early.events.find((e) => e.type === type)!.seq)!;
      // one document sent: the phrase names it
      assert.equal(rowOf('documents.sent').event, eventPhrase(locale, 'documents.sent', { document: DOCS[0].name }));
      assert.equal(rowOf('process.expired').event, eventPhrase(locale, 'process.expired', { reason: reasonWords(locale, 'step_timeout') }));
      assert.equal(view.summary.reason, reasonWords(locale, 'step_timeout'));
      assert.match(
        rowOf('process.expired').event,
        locale === 'es' ? /^El proceso caducó: el cliente no respondió dentro del plazo/ : /^The process expired: the customer did not answer within/,
      );
      assert.equal(view.chainHead, early.events[early.events.length - 1].hash);
    }
  });

  it('keeps a code that was sent but never tried as attempt 0 of 0 (the evidence does not say the limit)', () => {
    const state = completedState();
    state.status = 'expired';
    state.reason = 'step_timeout';
    state.documents = DOCS.map((d) => ({ id: d.id, signedSha256: null }));
    state.events = [...state.events.slice(0, 8), { at: t('59:00.000'), type: 'process.expired', detail: { reason: 'step_timeout' } }];
    const view = certificateViewOf(evidenceOf(state), optionsFor('en'));
    assert.deepEqual(view.otp, { channel: 'SMS', sentAt: t('01:31.000'), verifiedAt: null, attempt: 0, maxAttempts: 0 });
  });

  describe('rendered', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-gather-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    for (const locale of ['es', 'en'] as const) {
      it(`prints the reference, both hashes of every document and the chain head (${locale})`, async () => {
        const view = certificateViewOf(evidence, optionsFor(locale));
        const file = path.join(dir, `certificate-${locale}.pdf`);
        const pdf = await renderCertificate(view, []);
        writeFileSync(file, pdf);
        // To look at it: CERTIFICATE_PREVIEW_DIR=/tmp/x, as in certificate-render.test.ts.
        if (process.env.CERTIFICATE_PREVIEW_DIR) writeFileSync(path.join(process.env.CERTIFICATE_PREVIEW_DIR, `gathered-${locale}.pdf`), pdf);
        const { stdout: text } = await run('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 32 << 20 });
        for (const needle of [
          'C-2026-0042',
          ...DOCS.map((d) => d.sha256),
          ...SIGNED,
          view.chainHead,
          evidence.history.sha256,
          statusWords(locale, 'completed'),
          '[ Sí, acepto ]',
        ]) {
          assert.ok(text.includes(needle), `${needle} missing from the ${locale} certificate`);
        }
        // a phrase wraps inside its table cell
        const words = text.replace(/\s+/g, ' ');
        assert.ok(words.includes(eventPhrase(locale, 'otp.verified', { attempt: 2, maxAttempts: 5 })), `the verified code's row missing (${locale})`);
        assert.ok(words.includes(SHOWN.text), `the opt-in request as shown missing (${locale})`);
        assert.doesNotMatch(text, /undefined|NaN|\[object/);
      });
    }
  });
});

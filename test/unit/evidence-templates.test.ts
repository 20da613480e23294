// The template texts the evidence quotes (activities/evidence.ts templateTexts): the shipped definitions, in the
// customer's language, with the values the workflow sends — exactly what `npm run templates -- register` submits.
import assert from 'node:assert/strict';
import { templateTexts } from '../../activities/evidence';
import { PROCESS_TEMPLATES, templateDefinition, TEMPLATE_QUICK_REPLIES } from '../../messaging/templates/definitions';

describe('evidence: the templates as the customer saw them', () => {
  const values = { businessName: 'Acme Seguros', reference: 'C-2026-0042', customerName: 'Ana García' };

  it('fills the opt-in request in the customer’s language: body, footer and quick replies', () => {
    assert.deepEqual(templateTexts({ ...values, locale: 'es' })(PROCESS_TEMPLATES.optIn), {
      language: 'es',
      text: '¡Hola! Acme Seguros quiere enviarte por WhatsApp los documentos de C-2026-0042 para que los revises y los firmes aquí. ¿Aceptas recibir estos mensajes por WhatsApp?',
      footer: 'Puedes dejar de recibirlos cuando quieras.',
      buttons: ['Sí, acepto', 'No'],
    });
    const en = templateTexts({ ...values, locale: 'en' })(PROCESS_TEMPLATES.optIn)!;
    assert.equal(en.language, 'en');
    assert.match(en.text!, /^Hello! Acme Seguros would like to send you the documents for C-2026-0042 over WhatsApp/);
    assert.deepEqual(en.buttons, TEMPLATE_QUICK_REPLIES.optIn.en);
  });

  it('fills the notice of a recorded opt-in with the customer’s name first, as the workflow sends it', () => {
    const notice = templateTexts({ ...values, locale: 'es' })(PROCESS_TEMPLATES.notice)!;
    assert.equal(notice.text, 'Hola, Ana García: Acme Seguros tiene listos los documentos de C-2026-0042. Puedes revisarlos y firmarlos aquí, por WhatsApp.');
    assert.deepEqual(notice.buttons, ['Continuar']);
  });

  it('leaves no placeholder in any utility template, in any language', () => {
    for (const locale of ['es', 'en']) {
      for (const name of [PROCESS_TEMPLATES.optIn, PROCESS_TEMPLATES.notice, PROCESS_TEMPLATES.reminder]) {
        assert.ok(templateDefinition(name, locale));
        const shown = templateTexts({ ...values, locale })(name)!;
        assert.doesNotMatch(shown.text!, /\{\{|\}\}/, `${name} ${locale}`);
      }
    }
  });

  it('knows nothing of the code template (its only value is a code), of unknown names or languages', () => {
    assert.equal(templateTexts({ ...values, locale: 'es' })(PROCESS_TEMPLATES.otp), null);
    assert.equal(templateTexts({ ...values, locale: 'es' })('someone_elses_template'), null);
    assert.equal(templateTexts({ ...values, locale: 'fr' })(PROCESS_TEMPLATES.optIn), null);
  });
});

// What the customer reads during a signing process (free-form messages inside the 24-hour window), in
// Spanish and English. Templates (messages outside the window) are defined for Meta's review in
// messaging/templates; these are the rest. Reply-button titles stay within WhatsApp's 20 characters.
import type { Locale } from '../shared/otp';
import type { ProcessAction } from '../shared/process';

export type ProcessMessageKey =
  | 'review_prompt'
  | 'documents_resent'
  | 'documents_not_received_final'
  | 'acceptance_prompt'
  | 'otp_prompt_sms'
  | 'otp_prompt_whatsapp'
  | 'otp_wrong'
  | 'otp_expired'
  | 'otp_new_code_sent'
  | 'validation_typed_phrase'
  | 'validation_id_last_digits'
  | 'validation_wrong'
  | 'signed_intro'
  | 'completed'
  | 'reminder'
  | 'opt_in_declined'
  | 'conditions_rejected'
  | 'otp_failed'
  | 'validation_failed'
  | 'expired'
  | 'canceled'
  | 'token_refused';

export type MessageParams = Record<string, string | number>;

type Texts = Record<ProcessMessageKey, (p: MessageParams) => string>;

const es: Texts = {
  review_prompt: (p) =>
    `${p.business} te ha enviado ${p.count === 1 ? 'el documento' : `${p.count} documentos`} de ${p.reference}. Léelos con calma y confirma que los has recibido y revisado.`,
  documents_resent: () => 'Te los hemos enviado de nuevo.',
  documents_not_received_final: (p) => `No hemos podido hacerte llegar los documentos de ${p.reference}. ${p.business} se pondrá en contacto contigo.`,
  acceptance_prompt: (p) => `¿Aceptas las condiciones de ${p.reference} que te ha enviado ${p.business}?`,
  otp_prompt_sms: (p) => `Para confirmar tu consentimiento te hemos enviado por SMS un código de ${p.digits} dígitos. Escríbelo aquí.`,
  otp_prompt_whatsapp: (p) => `Para confirmar tu consentimiento te hemos enviado un código de ${p.digits} dígitos en otro mensaje. Escríbelo aquí.`,
  otp_wrong: (p) =>
    Number(p.remaining) === 1 ? 'El código no es correcto. Te queda 1 intento.' : `El código no es correcto. Te quedan ${p.remaining} intentos.`,
  otp_expired: () => 'El código ha caducado. Pulsa el botón para recibir uno nuevo.',
  otp_new_code_sent: () => 'Te hemos enviado un código nuevo. Escríbelo aquí.',
  validation_typed_phrase: (p) => `Para terminar, escribe la frase: ${p.phrase}`,
  validation_id_last_digits: (p) => `Para terminar, escribe los últimos ${p.count} dígitos de tu documento de identidad.`,
  validation_wrong: (p) => (Number(p.remaining) === 1 ? 'No coincide. Te queda 1 intento.' : `No coincide. Te quedan ${p.remaining} intentos.`),
  signed_intro: (p) => `Listo. Estos son tus documentos de ${p.reference}, firmados y sellados.`,
  completed: (p) => `Proceso completado. ${p.business} ha recibido tu conformidad. Gracias.`,
  reminder: (p) => `${p.business} sigue esperando tu respuesta sobre ${p.reference}.`,
  opt_in_declined: (p) => `De acuerdo, no te enviaremos los documentos de ${p.reference} por WhatsApp.`,
  conditions_rejected: (p) => `Has rechazado las condiciones de ${p.reference}. Se lo comunicamos a ${p.business}.`,
  otp_failed: (p) => `No se ha podido confirmar tu consentimiento para ${p.reference}. ${p.business} se pondrá en contacto contigo.`,
  validation_failed: (p) => `No se ha podido completar la validación de ${p.reference}. ${p.business} se pondrá en contacto contigo.`,
  expired: (p) => `El plazo para firmar ${p.reference} ha terminado.`,
  canceled: (p) => `${p.business} ha cancelado el proceso ${p.reference}.`,
  token_refused: () => 'Este código pertenece a otro número de teléfono. Escríbenos desde el número que diste en la tienda.',
};

const en: Texts = {
  review_prompt: (p) =>
    `${p.business} has sent you ${p.count === 1 ? 'the document' : `${p.count} documents`} of ${p.reference}. Take your time to read them and confirm you received and reviewed them.`,
  documents_resent: () => 'We have sent them again.',
  documents_not_received_final: (p) => `We could not get the documents of ${p.reference} to you. ${p.business} will contact you.`,
  acceptance_prompt: (p) => `Do you accept the conditions of ${p.reference} sent by ${p.business}?`,
  otp_prompt_sms: (p) => `To confirm your consent we have sent you a ${p.digits}-digit code by SMS. Type it here.`,
  otp_prompt_whatsapp: (p) => `To confirm your consent we have sent you a ${p.digits}-digit code in another message. Type it here.`,
  otp_wrong: (p) => (Number(p.remaining) === 1 ? 'That code is not correct. 1 attempt left.' : `That code is not correct. ${p.remaining} attempts left.`),
  otp_expired: () => 'The code has expired. Tap the button to get a new one.',
  otp_new_code_sent: () => 'We have sent you a new code. Type it here.',
  validation_typed_phrase: (p) => `To finish, type the phrase: ${p.phrase}`,
  validation_id_last_digits: (p) => `To finish, type the last ${p.count} digits of your ID document.`,
  validation_wrong: (p) => (Number(p.remaining) === 1 ? 'That does not match. 1 attempt left.' : `That does not match. ${p.remaining} attempts left.`),
  signed_intro: (p) => `Done. Here are your documents of ${p.reference}, signed and sealed.`,
  completed: (p) => `Process completed. ${p.business} has received your consent. Thank you.`,
  reminder: (p) => `${p.business} is still waiting for your reply about ${p.reference}.`,
  opt_in_declined: (p) => `All right, we will not send you the documents of ${p.reference} on WhatsApp.`,
  conditions_rejected: (p) => `You rejected the conditions of ${p.reference}. We will let ${p.business} know.`,
  otp_failed: (p) => `Your consent for ${p.reference} could not be confirmed. ${p.business} will contact you.`,
  validation_failed: (p) => `The validation for ${p.reference} could not be completed. ${p.business} will contact you.`,
  expired: (p) => `The time to sign ${p.reference} is over.`,
  canceled: (p) => `${p.business} has canceled the process ${p.reference}.`,
  token_refused: () => 'This code belongs to another phone number. Please write to us from the number you gave in the shop.',
};

const BUTTON_TITLES: Record<Locale, Partial<Record<ProcessAction, string>>> = {
  es: {
    reviewed: 'Recibido y revisado',
    not_received: 'No los he recibido',
    accept: 'Acepto',
    reject: 'Rechazo',
    new_code: 'Enviar nuevo código',
    continue: 'Continuar',
  },
  en: {
    reviewed: 'Received & reviewed',
    not_received: "I didn't get them",
    accept: 'I accept',
    reject: 'I reject',
    new_code: 'Send a new code',
    continue: 'Continue',
  },
};

export function processText(locale: Locale, key: ProcessMessageKey, params: MessageParams = {}): string {
  return (locale === 'en' ? en : es)[key](params);
}

export function buttonTitle(locale: Locale, action: ProcessAction): string {
  const title = BUTTON_TITLES[locale][action];
  if (!title) throw new Error(`no button title for ${action}`);
  return title;
}

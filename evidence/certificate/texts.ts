// Every word the certificate prints that is not data, in Spanish and English: one table, so a translation cannot
// be forgotten in one place and present in another. The types make each entry carry both languages (tsc fails on a
// missing one) and test/unit/certificate-render.test.ts checks the table at run time as well, in case an entry is
// widened to a plain string somewhere.
//
// The event phrases are keyed by the process's own event types (shared/process.ts): the gatherer turns each
// evidence event into a phrase with `eventPhrase`, so the view arrives in words and the renderer stays ignorant of
// what the events mean.
import type { ExtraValidation, OptInMode, ProcessEventType, ProcessReason, ProcessStatus } from '../../shared/process';
import type { CertificateLocale, ReceiptKind } from './view';

type Translated<T = string> = Record<CertificateLocale, T>;

/** Facts an event phrase may mention; never a code. */
export interface EventFacts {
  document?: string;
  attempt?: number;
  maxAttempts?: number;
  channel?: string;
  /** why, in words (reasonWords), as the end of a sentence */
  reason?: string;
  /** which extra validation, in words */
  validation?: string;
  /** the text of the button the customer tapped */
  button?: string;
}

type Phrase = (facts: EventFacts) => string;

const attemptEs = (f: EventFacts) => (f.attempt ? ` (intento ${f.attempt}${f.maxAttempts ? ` de ${f.maxAttempts}` : ''})` : '');
const attemptEn = (f: EventFacts) => (f.attempt ? ` (attempt ${f.attempt}${f.maxAttempts ? ` of ${f.maxAttempts}` : ''})` : '');
const docEs = (f: EventFacts) => (f.document ? ` «${f.document}»` : '');
const docEn = (f: EventFacts) => (f.document ? ` “${f.document}”` : '');
const viaEs = (f: EventFacts) => (f.channel ? ` por ${f.channel}` : '');
const viaEn = (f: EventFacts) => (f.channel ? ` by ${f.channel}` : '');
const reasonEs = (f: EventFacts) => (f.reason ? `: ${f.reason}` : '');
const reasonEn = reasonEs;
const buttonEs = (f: EventFacts) => (f.button ? ` pulsando el botón «${f.button}»` : '');
const buttonEn = (f: EventFacts) => (f.button ? ` by tapping the “${f.button}” button` : '');

export const TEXTS = {
  labels: {
    title: { es: 'Certificado de evidencias', en: 'Certificate of evidence' },
    subtitle: {
      es: 'Contratación certificada por WhatsApp, con documentos sellados electrónicamente',
      en: 'Certified contracting over WhatsApp, with electronically sealed documents',
    },
    subject: { es: 'Evidencias del proceso de firma', en: 'Evidence of the signing process' },
    issuedAt: { es: 'Emitido el', en: 'Issued on' },
    page: { es: 'Página', en: 'Page' },
    of: { es: 'de', en: 'of' },
    // sections
    summary: { es: 'Resumen', en: 'Summary' },
    parties: { es: 'Partes', en: 'Parties' },
    documents: { es: 'Documentos', en: 'Documents' },
    optIn: { es: 'Consentimiento para comunicaciones por WhatsApp', en: 'Consent to communications over WhatsApp' },
    otp: { es: 'Verificación con código de un solo uso', en: 'One-time code verification' },
    timeline: { es: 'Cronología de eventos', en: 'Timeline of events' },
    integrity: { es: 'Integridad y verificación', en: 'Integrity and verification' },
    // summary
    processId: { es: 'Identificador del proceso', en: 'Process identifier' },
    reference: { es: 'Referencia', en: 'Reference' },
    status: { es: 'Estado', en: 'Status' },
    createdAt: { es: 'Iniciado', en: 'Started' },
    completedAt: { es: 'Finalizado', en: 'Ended' },
    notEnded: { es: 'No finalizado', en: 'Not ended' },
    timeZone: { es: 'Zona horaria', en: 'Time zone' },
    // parties
    business: { es: 'Empresa', en: 'Business' },
    customer: { es: 'Cliente', en: 'Customer' },
    name: { es: 'Nombre', en: 'Name' },
    phone: { es: 'Teléfono (WhatsApp)', en: 'Phone (WhatsApp)' },
    identification: { es: 'Identificación', en: 'Identification' },
    identificationReference: { es: 'Referencia de identificación', en: 'Identification reference' },
    contractingChannel: { es: 'Canal de contratación', en: 'Contracting channel' },
    none: { es: 'Ninguna', en: 'None' },
    notStated: { es: 'No indicada por la empresa', en: 'Not stated by the business' },
    endReason: { es: 'Motivo', en: 'Reason' },
    // documents
    pages: { es: 'Páginas', en: 'Pages' },
    size: { es: 'Tamaño', en: 'Size' },
    bytes: { es: 'bytes', en: 'bytes' },
    originalSha256: { es: 'SHA-256 del original', en: 'SHA-256 of the original' },
    signedSha256: { es: 'SHA-256 del documento sellado', en: 'SHA-256 of the sealed document' },
    sealLevel: { es: 'Sello', en: 'Seal' },
    notSealed: { es: 'No sellado', en: 'Not sealed' },
    // opt-in
    optInMode: { es: 'Modalidad', en: 'Method' },
    optInAcceptedAt: { es: 'Consentimiento registrado', en: 'Consent recorded' },
    optInTemplate: { es: 'Texto mostrado al cliente', en: 'Text shown to the customer' },
    optInHow: { es: 'Forma del consentimiento', en: 'How consent was given' },
    optInRequestShown: {
      es: 'Solicitud de consentimiento tal como la vio el cliente en WhatsApp',
      en: 'The request for consent as the customer saw it on WhatsApp',
    },
    optInNoticeShown: {
      es: 'Primer mensaje enviado al cliente por WhatsApp, tal como lo vio',
      en: 'The first message sent to the customer on WhatsApp, as the customer saw it',
    },
    templateOf: { es: 'plantilla aprobada por WhatsApp', en: 'template approved by WhatsApp' },
    templateLanguage: { es: 'idioma', en: 'language' },
    buttons: { es: 'Botones', en: 'Buttons' },
    recordedText: { es: 'Texto del consentimiento registrado por la empresa', en: 'Consent text recorded by the business' },
    recordedSource: { es: 'Origen', en: 'Source' },
    recordedCollectedAt: { es: 'Recogido el', en: 'Collected on' },
    // otp
    otpChannel: { es: 'Canal', en: 'Channel' },
    otpSentAt: { es: 'Código enviado', en: 'Code sent' },
    otpVerifiedAt: { es: 'Código verificado', en: 'Code verified' },
    otpNotVerified: { es: 'No verificado', en: 'Not verified' },
    otpAttempt: { es: 'Intento', en: 'Attempt' },
    otpNoCode: {
      es: 'El código nunca se conserva: solo un resumen criptográfico con clave permitió compararlo.',
      en: 'The code itself is never kept: only a keyed cryptographic digest was used to compare it.',
    },
    otpNone: { es: 'El proceso terminó antes de enviar un código.', en: 'The process ended before a code was sent.' },
    // timeline
    seq: { es: 'Nº', en: 'No.' },
    dateTime: { es: 'Fecha y hora', en: 'Date and time' },
    event: { es: 'Evento', en: 'Event' },
    channel: { es: 'Canal', en: 'Channel' },
    messageAndReceipts: { es: 'Mensaje y acuses', en: 'Message and receipts' },
    hash: { es: 'Hash', en: 'Hash' },
    timelineNote: {
      es: 'Cada evento incluye el hash SHA-256 del anterior (cadena de hashes); se muestran los primeros 12 caracteres de cada hash y el documento JSON adjunto los contiene completos.',
      en: 'Each event includes the SHA-256 hash of the previous one (a hash chain); the first 12 characters of each hash are shown and the attached JSON document holds them in full.',
    },
    receiptsNote: {
      es: 'Acuses del proveedor de mensajería, con la hora que él informó: «enviado», lo remitió hacia el teléfono del cliente; «entregado», llegó al teléfono; «leído», el cliente lo abrió (solo WhatsApp, y solo si el cliente no desactivó las confirmaciones de lectura); «fallido», no pudo entregarse. Cada acuse se muestra en la fila de su mensaje y conserva su propio número en la cadena, por eso la numeración de las filas no es correlativa.',
      en: 'Receipts from the messaging provider, at the time it reported: “sent”, it passed the message on towards the customer’s phone; “delivered”, it reached the phone; “read”, the customer opened it (WhatsApp only, and only if the customer did not turn read receipts off); “failed”, it could not be delivered. Each receipt is shown on its message’s row and keeps its own number in the chain, which is why the row numbers skip.',
    },
    // integrity
    historySha256: { es: 'SHA-256 del historial de ejecución', en: 'SHA-256 of the execution history' },
    historyEvents: { es: 'Eventos del historial', en: 'History events' },
    workflowId: { es: 'Identificador del flujo', en: 'Workflow identifier' },
    runId: { es: 'Identificador de la ejecución', en: 'Run identifier' },
    chainHead: { es: 'Hash del último evento de la cadena', en: 'Hash of the last event in the chain' },
    timestamp: { es: 'Sellado de tiempo (RFC 3161) del último hash', en: 'Time-stamp (RFC 3161) of the last hash' },
    timestampValue: { es: 'emitido por', en: 'issued by' },
    timestampSerial: { es: 'n.º de serie', en: 'serial no.' },
    noTimestamp: {
      es: 'Sin sellado de tiempo de una autoridad externa: la hora es la del servidor de Testigo',
      en: "No time-stamp from an external authority: times are Testigo's server clock",
    },
    timestampNote: {
      es: 'Una autoridad de sellado de tiempo certificó que la cadena de eventos, hasta su último hash, existía en esa fecha y hora. El sello va en el registro de evidencias y, como archivo, adjunto a este PDF (timestamp.tst); puede comprobarse con «openssl ts -verify -token_in -in timestamp.tst -digest <hash del último evento>».',
      en: 'A time-stamping authority certified that the chain of events, up to its last hash, existed at that date and time. The token is in the evidence record and, as a file, attached to this PDF (timestamp.tst); it can be checked with "openssl ts -verify -token_in -in timestamp.tst -digest <hash of the last event>".',
    },
    issuer: { es: 'Certificado de sello del emisor', en: "Issuer's seal certificate" },
    issuerFingerprint: { es: 'Huella SHA-256 del certificado', en: 'SHA-256 certificate fingerprint' },
    verification: { es: 'Verificación', en: 'Verification' },
    verificationText: {
      es: 'Escanee el código QR o abra esta dirección para comprobar este certificado y los documentos firmados:',
      en: 'Scan the QR code or open this address to check this certificate and the signed documents:',
    },
    attachmentsText: {
      es: 'Este PDF lleva adjuntos el registro de evidencias en JSON y su firma JWS, y está sellado electrónicamente (PAdES). Cualquier modificación posterior invalida el sello.',
      en: 'This PDF carries the evidence record as JSON and its JWS signature as attachments, and is electronically sealed (PAdES). Any later change invalidates the seal.',
    },
  },
  receipts: {
    sent: { es: 'enviado', en: 'sent' },
    delivered: { es: 'entregado', en: 'delivered' },
    read: { es: 'leído', en: 'read' },
    failed: { es: 'fallido', en: 'failed' },
  } satisfies Record<ReceiptKind, Translated>,
  /** why a process ended other than completed (PRODUCT.md §3.1), as the end of a sentence */
  reasons: {
    opt_in_declined: { es: 'el cliente no aceptó comunicarse por WhatsApp', en: 'the customer declined communications over WhatsApp' },
    conditions_rejected: { es: 'el cliente rechazó las condiciones', en: 'the customer rejected the conditions' },
    otp_failed: {
      es: 'el cliente no escribió el código de un solo uso correcto en los intentos permitidos',
      en: 'the customer did not type the correct one-time code within the attempts allowed',
    },
    validation_failed: { es: 'el cliente no superó la validación adicional', en: 'the customer failed the additional validation' },
    step_timeout: {
      es: 'el cliente no respondió dentro del plazo fijado para el paso en curso',
      en: 'the customer did not answer within the time allowed for the step under way',
    },
    process_timeout: { es: 'se agotó el plazo total fijado para el proceso', en: 'the time allowed for the whole process ran out' },
    canceled_by_business: { es: 'la empresa lo canceló', en: 'the business canceled it' },
    not_on_whatsapp: { es: 'el número del cliente no tiene cuenta de WhatsApp', en: "the customer's number has no WhatsApp account" },
    documents_not_received: {
      es: 'el cliente indicó que no recibió los documentos, también tras su reenvío',
      en: 'the customer said the documents had not arrived, even after they were sent again',
    },
    otp_undeliverable: {
      es: 'el código de un solo uso no pudo entregarse por ningún canal',
      en: 'the one-time code could not be delivered on any channel',
    },
    message_rejected: { es: 'el proveedor de mensajería rechazó un mensaje del proceso', en: 'the messaging provider refused a message of the process' },
    sealing_failed: { es: 'no se pudo sellar electrónicamente un documento', en: 'a document could not be electronically sealed' },
  } satisfies Record<ProcessReason, Translated>,
  /** why the code could not be verified (otp.failed), as the end of a sentence */
  otpFailures: {
    max_attempts_reached: { es: 'el cliente agotó los intentos permitidos', en: 'the customer used up the attempts allowed' },
    no_codes_left: {
      es: 'caducaron todos los códigos que podían enviarse sin que el cliente escribiera el correcto',
      en: 'every code that could be sent expired without the customer typing the right one',
    },
    undeliverable: { es: 'el código no pudo entregarse por ningún canal', en: 'the code could not be delivered on any channel' },
  },
  /** how the business identified the customer before the process (PRODUCT.md §3.1 identification.level) */
  identificationLevels: {
    identified: {
      es: 'Identificado por la empresa, que autenticó al cliente en sus propios sistemas',
      en: 'Identified by the business, which authenticated the customer in its own systems',
    },
    onboarding: {
      es: 'Identificado mediante un alta digital (onboarding) realizada por la empresa',
      en: 'Identified through a digital onboarding carried out by the business',
    },
  },
  /** the extra validations (PRODUCT.md §2), as the object of "the customer was asked for…" */
  validations: {
    typed_phrase: { es: 'escribir una frase indicada por la empresa', en: 'to type a phrase set by the business' },
    id_last_digits: { es: 'escribir los últimos dígitos de su documento de identidad', en: 'to type the last digits of their identity document' },
  } satisfies Record<ExtraValidation['type'], Translated>,
  statuses: {
    awaiting_opt_in: { es: 'Pendiente de consentimiento', en: 'Awaiting consent' },
    awaiting_review: { es: 'Pendiente de revisión', en: 'Awaiting review' },
    awaiting_acceptance: { es: 'Pendiente de aceptación', en: 'Awaiting acceptance' },
    awaiting_otp: { es: 'Pendiente del código', en: 'Awaiting the code' },
    awaiting_validation: { es: 'Pendiente de validación', en: 'Awaiting validation' },
    signing: { es: 'Sellando', en: 'Sealing' },
    completed: { es: 'Completado', en: 'Completed' },
    rejected: { es: 'Rechazado', en: 'Rejected' },
    expired: { es: 'Caducado', en: 'Expired' },
    canceled: { es: 'Cancelado', en: 'Canceled' },
    failed: { es: 'Fallido', en: 'Failed' },
  } satisfies Record<ProcessStatus, Translated>,
  optInModes: {
    whatsapp: { es: 'Consentimiento solicitado y aceptado por WhatsApp', en: 'Consent requested and given over WhatsApp' },
    click_to_chat: {
      es: 'El cliente inició la conversación desde un enlace o código QR de la empresa',
      en: "The customer started the conversation from the business's link or QR code",
    },
    recorded: { es: 'Consentimiento recogido previamente por la empresa', en: 'Consent collected beforehand by the business' },
  } satisfies Record<OptInMode, Translated>,
  /** how the customer's consent was given, per mode (the WhatsApp tap names its button) */
  optInHow: {
    whatsapp: {
      es: (f: EventFacts) => `El cliente lo aceptó en WhatsApp${f.button ? `${buttonEs(f)} de la solicitud` : ''}`,
      en: (f: EventFacts) => `The customer accepted on WhatsApp${f.button ? `${buttonEn(f)} on the request` : ''}`,
    },
    click_to_chat: {
      es: () => 'El cliente escribió primero, desde su propio número, el mensaje con el código de un solo uso que la empresa le mostró (enlace o código QR)',
      en: () => 'The customer wrote first, from their own number, the message with the one-time code the business showed them (link or QR code)',
    },
    recorded: {
      es: () => 'La empresa lo recogió antes del proceso y lo aportó con el texto, el origen y la fecha que se reproducen',
      en: () => 'The business collected it before the process and supplied it with the text, source and date reproduced here',
    },
  } satisfies Record<OptInMode, Translated<Phrase>>,
  contractingChannels: {
    online: { es: 'En línea', en: 'Online' },
    in_person: { es: 'Presencial', en: 'In person' },
  },
  events: {
    'process.created': { es: () => 'La empresa inició el proceso de firma', en: () => 'The business started the signing process' },
    'opt_in.requested': {
      es: (f) => `Se solicitó al cliente su consentimiento para comunicarse por WhatsApp${viaEs(f)}`,
      en: (f) => `The customer was asked to consent to communications over WhatsApp${viaEn(f)}`,
    },
    'opt_in.recorded': {
      es: () => 'Se incorporó el consentimiento recogido previamente por la empresa',
      en: () => 'The consent collected beforehand by the business was recorded',
    },
    'opt_in.accepted': { es: (f) => `El cliente dio su consentimiento${buttonEs(f)}`, en: (f) => `The customer gave consent${buttonEn(f)}` },
    'opt_in.declined': { es: () => 'El cliente rechazó comunicarse por WhatsApp', en: () => 'The customer declined communications over WhatsApp' },
    'opt_in.token_refused': {
      es: () => 'Se rechazó un enlace de inicio de conversación no válido o caducado',
      en: () => 'A conversation link that was invalid or expired was refused',
    },
    'documents.sent': { es: (f) => `Se envió al cliente el documento${docEs(f)}`, en: (f) => `The document${docEn(f)} was sent to the customer` },
    'documents.not_received': {
      es: () => 'Los documentos no pudieron entregarse al cliente',
      en: () => 'The documents could not be delivered to the customer',
    },
    'documents.reviewed': {
      es: () => 'El cliente confirmó que recibió y revisó los documentos',
      en: () => 'The customer confirmed having received and reviewed the documents',
    },
    'conditions.presented': {
      es: () => 'Se presentaron al cliente las condiciones para su aceptación',
      en: () => 'The conditions were presented to the customer for acceptance',
    },
    'conditions.accepted': { es: () => 'El cliente aceptó las condiciones', en: () => 'The customer accepted the conditions' },
    'conditions.rejected': { es: () => 'El cliente rechazó las condiciones', en: () => 'The customer rejected the conditions' },
    'otp.sent': {
      es: (f) => `Se envió al cliente un código de un solo uso${viaEs(f)}`,
      en: (f) => `A one-time code was sent to the customer${viaEn(f)}`,
    },
    'otp.attempt_failed': {
      es: (f) => `El cliente escribió un código incorrecto${attemptEs(f)}`,
      en: (f) => `The customer typed a wrong code${attemptEn(f)}`,
    },
    'otp.expired': { es: () => 'El código caducó sin ser utilizado', en: () => 'The code expired unused' },
    'otp.verified': {
      es: (f) => `El cliente escribió el código correcto en la conversación${attemptEs(f)}`,
      en: (f) => `The customer typed the correct code in the conversation${attemptEn(f)}`,
    },
    'otp.failed': { es: (f) => `No pudo verificarse el código${reasonEs(f)}`, en: (f) => `The code could not be verified${reasonEn(f)}` },
    'validation.requested': {
      es: (f) => `Se pidió al cliente una validación adicional${f.validation ? `: ${f.validation}` : ''}`,
      en: (f) => `The customer was asked for an additional validation${f.validation ? `: ${f.validation}` : ''}`,
    },
    'validation.passed': { es: () => 'El cliente superó la validación adicional', en: () => 'The customer passed the additional validation' },
    'validation.attempt_failed': {
      es: (f) => `La respuesta del cliente a la validación adicional no coincidió${attemptEs(f)}`,
      en: (f) => `The customer's answer to the additional validation did not match${attemptEn(f)}`,
    },
    'validation.failed': { es: () => 'El cliente no superó la validación adicional', en: () => 'The customer failed the additional validation' },
    'reminder.sent': { es: () => 'Se envió un recordatorio al cliente', en: () => 'A reminder was sent to the customer' },
    'document.sealed': {
      es: (f) => `Se selló electrónicamente el documento${docEs(f)}`,
      en: (f) => `The document${docEn(f)} was electronically sealed`,
    },
    'signed_documents.delivered': {
      es: (f) => `Se entregó al cliente el documento sellado${docEs(f)}`,
      en: (f) => `The sealed document${docEn(f)} was delivered to the customer`,
    },
    'process.completed': { es: () => 'El proceso de firma se completó', en: () => 'The signing process was completed' },
    'process.rejected': { es: (f) => `El proceso terminó rechazado${reasonEs(f)}`, en: (f) => `The process ended rejected${reasonEn(f)}` },
    'process.expired': { es: (f) => `El proceso caducó${reasonEs(f)}`, en: (f) => `The process expired${reasonEn(f)}` },
    'process.canceled': { es: () => 'La empresa canceló el proceso', en: () => 'The business canceled the process' },
    'process.failed': { es: (f) => `El proceso falló${reasonEs(f)}`, en: (f) => `The process failed${reasonEn(f)}` },
  } satisfies Record<ProcessEventType, Translated<Phrase>>,
} as const;

export type LabelKey = keyof typeof TEXTS.labels;

/** A label in the certificate's language. */
export function label(locale: CertificateLocale, key: LabelKey): string {
  return TEXTS.labels[key][locale];
}

/** One event in words, for the gatherer to put into TimelineRow.event. */
export function eventPhrase(locale: CertificateLocale, type: ProcessEventType, facts: EventFacts = {}): string {
  return TEXTS.events[type][locale](facts);
}

export function statusWords(locale: CertificateLocale, status: ProcessStatus): string {
  return TEXTS.statuses[status][locale];
}

export function optInModeWords(locale: CertificateLocale, mode: OptInMode): string {
  return TEXTS.optInModes[mode][locale];
}

/** Why a process ended, in words; a reason this version has no words for is printed as recorded. */
export function reasonWords(locale: CertificateLocale, reason: string): string {
  return (TEXTS.reasons as Record<string, Translated>)[reason]?.[locale] ?? reason;
}

/** Why a code could not be verified (otp.failed's reason), in words; unknown ones as recorded. */
export function otpFailureWords(locale: CertificateLocale, reason: string): string {
  return (TEXTS.otpFailures as Record<string, Translated>)[reason]?.[locale] ?? reason;
}

/** How the customer was identified, in words; a level of the business's own is printed as recorded. */
export function identificationWords(locale: CertificateLocale, level: string): string {
  return (TEXTS.identificationLevels as Record<string, Translated>)[level]?.[locale] ?? level;
}

export function validationWords(locale: CertificateLocale, validation: string): string {
  return (TEXTS.validations as Record<string, Translated>)[validation]?.[locale] ?? validation;
}

export function optInHowWords(locale: CertificateLocale, mode: OptInMode, facts: EventFacts = {}): string {
  return TEXTS.optInHow[mode][locale](facts);
}

export function contractingChannelWords(locale: CertificateLocale, channel: 'online' | 'in_person'): string {
  return TEXTS.contractingChannels[channel][locale];
}

export function receiptWord(locale: CertificateLocale, kind: ReceiptKind): string {
  return TEXTS.receipts[kind][locale];
}

/** What each conversation message was for, as the workflow records it (ProcessMessage.purpose). */
const MESSAGE_PURPOSES: Record<string, Translated> = {
  opt_in: { es: 'plantilla de consentimiento', en: 'consent template' },
  notice: { es: 'aviso de documentos pendientes', en: 'notice of pending documents' },
  reminder: { es: 'recordatorio', en: 'reminder' },
  document: { es: 'documento', en: 'document' },
  review_prompt: { es: 'petición de confirmar la recepción y revisión', en: 'request to confirm receipt and review' },
  documents_resent: { es: 'aviso de reenvío', en: 'notice of re-sending' },
  acceptance_prompt: { es: 'petición de aceptar las condiciones', en: 'request to accept the conditions' },
  otp: { es: 'código de un solo uso', en: 'one-time code' },
  otp_prompt: { es: 'petición de escribir el código', en: 'request to type the code' },
  otp_wrong: { es: 'aviso de código incorrecto', en: 'notice of a wrong code' },
  otp_expired: { es: 'aviso de código caducado', en: 'notice of an expired code' },
  validation_prompt: { es: 'petición de validación adicional', en: 'request for an additional validation' },
  validation_wrong: { es: 'aviso de validación incorrecta', en: 'notice of a failed validation' },
  signed_intro: { es: 'aviso de documentos firmados', en: 'notice of the signed documents' },
  signed_document: { es: 'documento sellado', en: 'sealed document' },
  completed: { es: 'confirmación de cierre', en: 'closing confirmation' },
  closing: { es: 'aviso de cierre', en: 'closing notice' },
  token_refused: { es: 'rechazo de un código de otro número', en: 'refusal of a code from another number' },
  reply: { es: 'pulsó un botón', en: 'tapped a button' },
  text: { es: 'escribió un texto', en: 'typed a text' },
  opt_in_token: { es: 'envió el código de la tienda', en: 'sent the shop code' },
};

/** A conversation message in words: "Mensaje al cliente: recordatorio", "El cliente pulsó un botón". */
export function messagePhrase(locale: CertificateLocale, direction: 'sent' | 'received', purpose: string | undefined): string {
  const what = purpose ? MESSAGE_PURPOSES[purpose]?.[locale] : undefined;
  if (direction === 'received') return locale === 'es' ? `El cliente ${what ?? 'envió un mensaje'}` : `The customer ${what ?? 'sent a message'}`;
  const head = locale === 'es' ? 'Mensaje al cliente' : 'Message to the customer';
  return what ? `${head}: ${what}` : head;
}

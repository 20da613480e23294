// The sandbox business's message templates in the sandbox's own representation: the built-in,
// approved catalogue below (what the app sends: a typo in a name, a missing translation or a wrong
// parameter count fails here as it would at Meta, 132001 / 132000), to which templates created
// through `POST /{WABA}/message_templates` are added (whatsapp-template-catalogue.ts).
import { createHash } from 'node:crypto';

export type TemplateCategory = 'AUTHENTICATION' | 'UTILITY' | 'MARKETING';

export interface TemplateDefinition {
  name: string;
  language: string;
  category: TemplateCategory;
  /** a header that takes a document at send time */
  documentHeader?: boolean;
  /** placeholders {{1}}…{{n}}; the parameter count is the highest n */
  body: string;
  /** sample values of the body's placeholders, as submitted for review */
  bodyExamples?: string[];
  footer?: string;
  quickReplies?: string[];
  /** authentication templates: copy-code button label; its URL parameter carries the code */
  copyCodeButton?: string;
  /** authentication templates: the options Meta's fixed texts are built from */
  securityRecommendation?: boolean;
  codeExpirationMinutes?: number;
  /** authentication templates: seconds Meta keeps trying to deliver */
  messageSendTtlSeconds?: number;
}

/** Meta fixes the texts of authentication templates per language; other languages read as English here. */
const AUTHENTICATION_TEXTS: Record<string, { body: string; security: string; expiry: (minutes: number) => string; button: string }> = {
  en: {
    body: '*{{1}}* is your verification code.',
    security: 'For your security, do not share this code.',
    expiry: (n) => `This code expires in ${n} minutes.`,
    button: 'Copy code',
  },
  es: {
    body: '*{{1}}* es tu código de verificación.',
    security: 'Por tu seguridad, no lo compartas.',
    expiry: (n) => `Este código caduca en ${n} minutos.`,
    button: 'Copiar código',
  },
};

/** An authentication template as Meta renders it from its options. */
export function authenticationTemplate(
  name: string,
  language: string,
  options: { securityRecommendation?: boolean; codeExpirationMinutes?: number; button?: string; messageSendTtlSeconds?: number } = {},
): TemplateDefinition {
  const texts = AUTHENTICATION_TEXTS[language.slice(0, 2)] ?? AUTHENTICATION_TEXTS.en;
  const { securityRecommendation = false, codeExpirationMinutes, messageSendTtlSeconds } = options;
  return {
    name,
    language,
    category: 'AUTHENTICATION',
    body: securityRecommendation ? `${texts.body} ${texts.security}` : texts.body,
    securityRecommendation,
    ...(codeExpirationMinutes ? { footer: texts.expiry(codeExpirationMinutes), codeExpirationMinutes } : {}),
    copyCodeButton: options.button ?? texts.button,
    ...(messageSendTtlSeconds ? { messageSendTtlSeconds } : {}),
  };
}

/** The sandbox business's choice for otp_code: security line, 10-minute expiry, 10-minute delivery TTL. */
function authentication(language: string): TemplateDefinition {
  return authenticationTemplate('otp_code', language, { securityRecommendation: true, codeExpirationMinutes: 10, messageSendTtlSeconds: 600 });
}

export const TEMPLATES: TemplateDefinition[] = [
  authentication('en'),
  authentication('es'),
  {
    name: 'opt_in_request',
    language: 'en',
    category: 'UTILITY',
    body: '{{1}} would like to send you the documents of {{2}} over WhatsApp and ask you to sign them here. Do you agree to receive these messages on WhatsApp?',
    footer: 'You can stop these messages at any time.',
    quickReplies: ['Yes, I agree', 'No'],
  },
  {
    name: 'opt_in_request',
    language: 'es',
    category: 'UTILITY',
    body: '{{1}} quiere enviarte por WhatsApp los documentos de {{2}} y pedirte que los firmes aquí. ¿Aceptas recibir estos mensajes por WhatsApp?',
    footer: 'Puedes dejar de recibirlos cuando quieras.',
    quickReplies: ['Sí, acepto', 'No'],
  },
  { name: 'process_reminder', language: 'en', category: 'UTILITY', body: 'Reminder: {{1}} is still waiting for your reply. Answer here to continue.' },
  { name: 'process_reminder', language: 'es', category: 'UTILITY', body: 'Recordatorio: {{1}} sigue esperando tu respuesta. Contesta aquí para continuar.' },
  {
    name: 'documents_ready',
    language: 'en',
    category: 'UTILITY',
    documentHeader: true,
    body: '{{1}} has sent you the documents of {{2}}. Please review them and confirm.',
    quickReplies: ['Received and reviewed', "I didn't get them"],
  },
  {
    name: 'documents_ready',
    language: 'es',
    category: 'UTILITY',
    documentHeader: true,
    body: '{{1}} te ha enviado los documentos de {{2}}. Revísalos y confírmalo.',
    quickReplies: ['Recibidos y revisados', 'No los he recibido'],
  },
  // The signing process's templates (the app ships them in messaging/templates/definitions.ts and
  // registers them with `npm run templates -- register`; a test keeps the two in agreement).
  {
    name: 'testigo_opt_in',
    language: 'es',
    category: 'UTILITY',
    body: '¡Hola! {{1}} quiere enviarte por WhatsApp los documentos de {{2}} para que los revises y los firmes aquí. ¿Aceptas recibir estos mensajes por WhatsApp?',
    bodyExamples: ['Seguros Acme', 'la póliza P-2026-0042'],
    footer: 'Puedes dejar de recibirlos cuando quieras.',
    quickReplies: ['Sí, acepto', 'No'],
  },
  {
    name: 'testigo_opt_in',
    language: 'en',
    category: 'UTILITY',
    body: 'Hello! {{1}} would like to send you the documents for {{2}} over WhatsApp so you can review and sign them here. Do you agree to receive these messages on WhatsApp?',
    bodyExamples: ['Acme Insurance', 'policy P-2026-0042'],
    footer: 'You can stop these messages at any time.',
    quickReplies: ['Yes, I agree', 'No'],
  },
  {
    name: 'testigo_documents_notice',
    language: 'es',
    category: 'UTILITY',
    body: 'Hola, {{1}}: {{2}} tiene listos los documentos de {{3}}. Puedes revisarlos y firmarlos aquí, por WhatsApp.',
    bodyExamples: ['Ana', 'Seguros Acme', 'la póliza P-2026-0042'],
    footer: 'Puedes dejar de recibirlos cuando quieras.',
    quickReplies: ['Continuar'],
  },
  {
    name: 'testigo_documents_notice',
    language: 'en',
    category: 'UTILITY',
    body: 'Hello {{1}}, {{2}} has the documents for {{3}} ready. You can review and sign them here, on WhatsApp.',
    bodyExamples: ['Ana', 'Acme Insurance', 'policy P-2026-0042'],
    footer: 'You can stop these messages at any time.',
    quickReplies: ['Continue'],
  },
  {
    name: 'testigo_reminder',
    language: 'es',
    category: 'UTILITY',
    body: 'Recordatorio: {{1}} sigue esperando tu respuesta sobre {{2}}. Pulsa Continuar para seguir donde lo dejaste.',
    bodyExamples: ['Seguros Acme', 'la póliza P-2026-0042'],
    quickReplies: ['Continuar'],
  },
  {
    name: 'testigo_reminder',
    language: 'en',
    category: 'UTILITY',
    body: 'Reminder: {{1}} is still waiting for your reply about {{2}}. Tap Continue to pick up where you left off.',
    bodyExamples: ['Acme Insurance', 'policy P-2026-0042'],
    quickReplies: ['Continue'],
  },
];

export function bodyParamCount(template: TemplateDefinition): number {
  return Math.max(0, ...[...template.body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])));
}

/** Stable numeric ids, as Meta gives every template translation its own id. */
function templateId(template: TemplateDefinition): string {
  const hash = createHash('sha256').update(`${template.name}/${template.language}`).digest();
  return String(1_000_000_000_000_000n + (hash.readBigUInt64BE() % 9_000_000_000_000_000n));
}

/** Review states Meta gives a template; only APPROVED ones can be sent. */
export type ReviewStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';

const otpUrl = (minutes: number) => `https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code_expiration_minutes=${minutes}&code=otp{{1}}`;

/** A template as `GET /{WABA}/message_templates` lists it (authentication buttons read back as URL). */
export function toGraphTemplate(template: TemplateDefinition, review: { status: ReviewStatus; reason?: string } = { status: 'APPROVED' }) {
  const example = template.bodyExamples ?? Array.from({ length: bodyParamCount(template) }, (_, i) => `example ${i + 1}`);
  const components: object[] = [];
  if (template.documentHeader) components.push({ type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['4::YXBwbGljYXRpb24vcGRm:sandbox'] } });
  components.push(
    template.category === 'AUTHENTICATION'
      ? { type: 'BODY', text: template.body, ...(template.securityRecommendation ? { add_security_recommendation: true } : {}) }
      : { type: 'BODY', text: template.body, ...(example.length ? { example: { body_text: [example] } } : {}) },
  );
  if (template.footer)
    components.push({
      type: 'FOOTER',
      text: template.footer,
      ...(template.codeExpirationMinutes ? { code_expiration_minutes: template.codeExpirationMinutes } : {}),
    });
  if (template.copyCodeButton) {
    const url = otpUrl(template.codeExpirationMinutes ?? 10);
    components.push({ type: 'BUTTONS', buttons: [{ type: 'URL', text: template.copyCodeButton, url, example: [url.replace('{{1}}', '123456')] }] });
  }
  if (template.quickReplies) components.push({ type: 'BUTTONS', buttons: template.quickReplies.map((text) => ({ type: 'QUICK_REPLY', text })) });
  return {
    name: template.name,
    parameter_format: 'POSITIONAL',
    components,
    language: template.language,
    status: review.status,
    category: template.category,
    rejected_reason: review.status === 'REJECTED' ? (review.reason ?? 'INVALID_FORMAT') : 'NONE',
    ...(template.messageSendTtlSeconds ? { message_send_ttl_seconds: template.messageSendTtlSeconds } : {}),
    id: templateId(template),
  };
}

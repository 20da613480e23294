// The sandbox business's approved message templates, defined in code: the names and languages the
// app sends, so a typo in a name, a missing translation or a wrong parameter count fails here as it
// would at Meta (132001, 132000) instead of in production.
import { createHash } from 'node:crypto';

type TemplateCategory = 'AUTHENTICATION' | 'UTILITY' | 'MARKETING';

export interface TemplateDefinition {
  name: string;
  language: string;
  category: TemplateCategory;
  /** a header that takes a document at send time */
  documentHeader?: boolean;
  /** placeholders {{1}}…{{n}}; the parameter count is the highest n */
  body: string;
  footer?: string;
  quickReplies?: string[];
  /** authentication templates: copy-code button label; its URL parameter carries the code */
  copyCodeButton?: string;
  /** authentication templates: seconds Meta keeps trying to deliver */
  messageSendTtlSeconds?: number;
}

/** Meta fixes the texts of authentication templates per language; these are the options the sandbox business chose. */
function authentication(language: string, body: string, security: string, footer: string, button: string): TemplateDefinition {
  return { name: 'otp_code', language, category: 'AUTHENTICATION', body: `${body} ${security}`, footer, copyCodeButton: button, messageSendTtlSeconds: 600 };
}

export const TEMPLATES: TemplateDefinition[] = [
  authentication('en', '*{{1}}* is your verification code.', 'For your security, do not share this code.', 'This code expires in 10 minutes.', 'Copy code'),
  authentication('es', '*{{1}}* es tu código de verificación.', 'Por tu seguridad, no lo compartas.', 'Este código caduca en 10 minutos.', 'Copiar código'),
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
];

export function findTemplate(name: string, language: string): TemplateDefinition | undefined {
  return TEMPLATES.find((t) => t.name === name && t.language === language);
}

export function bodyParamCount(template: TemplateDefinition): number {
  return Math.max(0, ...[...template.body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])));
}

/** Stable numeric ids, as Meta gives every template translation its own id. */
function templateId(template: TemplateDefinition): string {
  const hash = createHash('sha256').update(`${template.name}/${template.language}`).digest();
  return String(1_000_000_000_000_000n + (hash.readBigUInt64BE() % 9_000_000_000_000_000n));
}

const OTP_URL = 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code_expiration_minutes=10&code=otp{{1}}';

/** A template as `GET /{WABA}/message_templates` lists it (authentication buttons read back as URL). */
export function toGraphTemplate(template: TemplateDefinition) {
  const example = Array.from({ length: bodyParamCount(template) }, (_, i) => `example ${i + 1}`);
  const components: object[] = [];
  if (template.documentHeader) components.push({ type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['4::YXBwbGljYXRpb24vcGRm:sandbox'] } });
  components.push(
    template.category === 'AUTHENTICATION'
      ? { type: 'BODY', text: template.body, add_security_recommendation: true }
      : { type: 'BODY', text: template.body, ...(example.length ? { example: { body_text: [example] } } : {}) },
  );
  if (template.footer) components.push({ type: 'FOOTER', text: template.footer, ...(template.category === 'AUTHENTICATION' ? { code_expiration_minutes: 10 } : {}) });
  if (template.copyCodeButton) components.push({ type: 'BUTTONS', buttons: [{ type: 'URL', text: template.copyCodeButton, url: OTP_URL, example: [OTP_URL.replace('{{1}}', '123456')] }] });
  if (template.quickReplies) components.push({ type: 'BUTTONS', buttons: template.quickReplies.map((text) => ({ type: 'QUICK_REPLY', text })) });
  return {
    name: template.name,
    parameter_format: 'POSITIONAL',
    components,
    language: template.language,
    status: 'APPROVED',
    category: template.category,
    ...(template.messageSendTtlSeconds ? { message_send_ttl_seconds: template.messageSendTtlSeconds } : {}),
    id: templateId(template),
  };
}

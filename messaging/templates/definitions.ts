// The signing process's WhatsApp message templates, in Meta's `message_templates` create format (the
// exact bodies `npm run templates -- register` posts), in Spanish and English. Business-initiated
// messages outside the 24-hour window can only be approved templates, so these texts are what Meta
// reviews; the workflow sends them by name with the body parameters and quick-reply payloads below.
// Pure data and functions: safe to import from workflow code.

export type TemplateLocale = 'es' | 'en';
export const TEMPLATE_LOCALES: readonly TemplateLocale[] = ['es', 'en'];

export type TemplateCategory = 'UTILITY' | 'AUTHENTICATION' | 'MARKETING';

/** A component as `POST /{WABA}/message_templates` takes it. */
export type TemplateComponentDefinition =
  | { type: 'BODY'; text: string; example?: { body_text: string[][] } }
  | { type: 'BODY'; add_security_recommendation: boolean }
  | { type: 'FOOTER'; text: string }
  | { type: 'FOOTER'; code_expiration_minutes: number }
  | { type: 'BUTTONS'; buttons: Array<{ type: 'QUICK_REPLY'; text: string } | { type: 'OTP'; otp_type: 'COPY_CODE'; text: string }> };

/** One translation of a template, as registered with the WhatsApp Business Account. */
export interface TemplateDefinition {
  name: string;
  language: TemplateLocale;
  category: TemplateCategory;
  /** authentication templates: how long Meta keeps trying to deliver (≤ the code's life) */
  message_send_ttl_seconds?: number;
  components: TemplateComponentDefinition[];
}

/** The names the workflow sends. `otp` is the one the OTP service already sends (tenants may rename theirs). */
export const PROCESS_TEMPLATES = {
  optIn: 'testigo_opt_in',
  notice: 'testigo_documents_notice',
  reminder: 'testigo_reminder',
  otp: 'otp_code',
} as const;

export type ProcessTemplate = keyof typeof PROCESS_TEMPLATES;

/**
 * What each body placeholder carries, in order ({{1}}, {{2}}, …). The workflow passes the values in this
 * order; Meta refuses a send whose parameter count differs (132000).
 */
export const TEMPLATE_BODY_PARAMETERS: Record<ProcessTemplate, readonly string[]> = {
  optIn: ['businessName', 'reference'],
  notice: ['customerName', 'businessName', 'reference'],
  reminder: ['businessName', 'reference'],
  otp: ['code'],
};

/**
 * The quick-reply buttons of each template, by index: the workflow sends one payload per index, and a
 * tap comes back as that payload (the button's text is only what the customer sees).
 */
export const TEMPLATE_QUICK_REPLIES: Record<Exclude<ProcessTemplate, 'otp'>, Record<TemplateLocale, readonly string[]>> = {
  optIn: { es: ['Sí, acepto', 'No'], en: ['Yes, I agree', 'No'] },
  notice: { es: ['Continuar'], en: ['Continue'] },
  reminder: { es: ['Continuar'], en: ['Continue'] },
};

/** Texts the customer sees. Meta refuses a body that starts or ends with a placeholder, hence the greetings. */
const TEXTS: Record<Exclude<ProcessTemplate, 'otp'>, Record<TemplateLocale, { body: string; footer?: string; example: string[] }>> = {
  optIn: {
    es: {
      body: '¡Hola! {{1}} quiere enviarte por WhatsApp los documentos de {{2}} para que los revises y los firmes aquí. ¿Aceptas recibir estos mensajes por WhatsApp?',
      footer: 'Puedes dejar de recibirlos cuando quieras.',
      example: ['Seguros Acme', 'la póliza P-2026-0042'],
    },
    en: {
      body: 'Hello! {{1}} would like to send you the documents for {{2}} over WhatsApp so you can review and sign them here. Do you agree to receive these messages on WhatsApp?',
      footer: 'You can stop these messages at any time.',
      example: ['Acme Insurance', 'policy P-2026-0042'],
    },
  },
  notice: {
    es: {
      body: 'Hola, {{1}}: {{2}} tiene listos los documentos de {{3}}. Puedes revisarlos y firmarlos aquí, por WhatsApp.',
      footer: 'Puedes dejar de recibirlos cuando quieras.',
      example: ['Ana', 'Seguros Acme', 'la póliza P-2026-0042'],
    },
    en: {
      body: 'Hello {{1}}, {{2}} has the documents for {{3}} ready. You can review and sign them here, on WhatsApp.',
      footer: 'You can stop these messages at any time.',
      example: ['Ana', 'Acme Insurance', 'policy P-2026-0042'],
    },
  },
  reminder: {
    es: {
      body: 'Recordatorio: {{1}} sigue esperando tu respuesta sobre {{2}}. Pulsa Continuar para seguir donde lo dejaste.',
      example: ['Seguros Acme', 'la póliza P-2026-0042'],
    },
    en: {
      body: 'Reminder: {{1}} is still waiting for your reply about {{2}}. Tap Continue to pick up where you left off.',
      example: ['Acme Insurance', 'policy P-2026-0042'],
    },
  },
};

/** Meta writes the authentication texts itself; these are the options and the copy-code button's label. */
const OTP_BUTTON: Record<TemplateLocale, string> = { es: 'Copiar código', en: 'Copy code' };
/** The code's life is 10 minutes by default (README, verifications); Meta advises a delivery TTL no longer than that. */
const OTP_EXPIRATION_MINUTES = 10;

function utility(key: Exclude<ProcessTemplate, 'otp'>, language: TemplateLocale): TemplateDefinition {
  const { body, footer, example } = TEXTS[key][language];
  return {
    name: PROCESS_TEMPLATES[key],
    language,
    category: 'UTILITY',
    components: [
      { type: 'BODY', text: body, example: { body_text: [example] } },
      ...(footer ? [{ type: 'FOOTER' as const, text: footer }] : []),
      { type: 'BUTTONS', buttons: TEMPLATE_QUICK_REPLIES[key][language].map((text) => ({ type: 'QUICK_REPLY' as const, text })) },
    ],
  };
}

function authentication(language: TemplateLocale): TemplateDefinition {
  return {
    name: PROCESS_TEMPLATES.otp,
    language,
    category: 'AUTHENTICATION',
    message_send_ttl_seconds: OTP_EXPIRATION_MINUTES * 60,
    components: [
      { type: 'BODY', add_security_recommendation: true },
      { type: 'FOOTER', code_expiration_minutes: OTP_EXPIRATION_MINUTES },
      { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: OTP_BUTTON[language] }] },
    ],
  };
}

/** Every template translation the product ships. */
export const TEMPLATE_DEFINITIONS: readonly TemplateDefinition[] = TEMPLATE_LOCALES.flatMap((language) => [
  utility('optIn', language),
  utility('notice', language),
  utility('reminder', language),
  authentication(language),
]);

export function templateDefinition(name: string, language: string): TemplateDefinition | undefined {
  return TEMPLATE_DEFINITIONS.find((t) => t.name === name && t.language === language);
}

/** Placeholders {{1}}…{{n}} of the body; authentication templates take one, the code. */
export function bodyParameterCount(definition: TemplateDefinition): number {
  if (definition.category === 'AUTHENTICATION') return 1;
  const body = definition.components.find((c) => c.type === 'BODY');
  const text = body && 'text' in body ? body.text : '';
  return Math.max(0, ...[...text.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])));
}

/** The quick-reply button texts of a translation, by index (empty for templates without them). */
export function quickReplyTexts(definition: TemplateDefinition): string[] {
  const buttons = definition.components.find((c) => c.type === 'BUTTONS');
  return buttons && 'buttons' in buttons ? buttons.buttons.filter((b) => b.type === 'QUICK_REPLY').map((b) => b.text) : [];
}

export interface RequiredTemplatesOptions {
  optInMode: 'whatsapp' | 'recorded' | 'click_to_chat';
  otpChannel: 'sms' | 'whatsapp';
  locale: TemplateLocale;
}

/**
 * The templates a process needs approved before it starts: its first business-initiated message
 * (the opt-in request, or the notice after a recorded opt-in; none at the point of sale, where the
 * customer writes first), the reminder sent once the 24-hour window has closed, and the
 * authentication template when the code goes over WhatsApp.
 */
export function requiredTemplates(options: RequiredTemplatesOptions): Array<{ name: string; language: string }> {
  const names: string[] = [];
  if (options.optInMode === 'whatsapp') names.push(PROCESS_TEMPLATES.optIn);
  if (options.optInMode === 'recorded') names.push(PROCESS_TEMPLATES.notice);
  names.push(PROCESS_TEMPLATES.reminder);
  if (options.otpChannel === 'whatsapp') names.push(PROCESS_TEMPLATES.otp);
  return names.map((name) => ({ name, language: options.locale }));
}

/** A template send as `WhatsAppSender.sendTemplate` takes it (the Cloud API's send components). */
export interface TemplateSend {
  name: string;
  language: string;
  components: Array<{ type: 'body' | 'button'; sub_type?: 'quick_reply'; index?: string; parameters: Array<Record<string, unknown>> }>;
}

/**
 * The send of one of the process's utility templates: body values in TEMPLATE_BODY_PARAMETERS order,
 * one payload per quick-reply button (index 0, 1, …). Counts are checked here, so a mismatch fails
 * at the caller instead of as a 132000 from Meta.
 */
export function processTemplateSend(
  key: Exclude<ProcessTemplate, 'otp'>,
  locale: TemplateLocale,
  values: readonly string[],
  payloads: readonly string[],
): TemplateSend {
  const definition = templateDefinition(PROCESS_TEMPLATES[key], locale)!;
  const expected = bodyParameterCount(definition);
  const buttons = quickReplyTexts(definition);
  if (values.length !== expected) throw new Error(`${definition.name}: ${expected} body parameters expected, got ${values.length}`);
  if (payloads.length !== buttons.length) throw new Error(`${definition.name}: ${buttons.length} quick-reply payloads expected, got ${payloads.length}`);
  return {
    name: definition.name,
    language: locale,
    components: [
      { type: 'body', parameters: values.map((text) => ({ type: 'text', text })) },
      ...payloads.map((payload, index) => ({
        type: 'button' as const,
        sub_type: 'quick_reply' as const,
        index: String(index),
        parameters: [{ type: 'payload', payload }],
      })),
    ],
  };
}

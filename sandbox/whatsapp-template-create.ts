// `POST /{WABA}/message_templates` bodies checked as Meta checks them before review (code 100 with
// the reason): a lowercase name, a language code, a category, at most one component of each kind, a
// body whose placeholders run {{1}}…{{n}} with n sample values, short footers and buttons, at most 10
// quick replies; authentication templates carry options, not texts (Meta writes those), and one OTP
// button. The sandbox supports what the app uses: document headers, quick replies, copy-code OTP.
import { GraphError } from './whatsapp-errors';
import { charCount, isObject } from './whatsapp-params';
import { authenticationTemplate, type TemplateCategory, type TemplateDefinition } from './whatsapp-templates';

type Json = Record<string, unknown>;

const CATEGORIES: TemplateCategory[] = ['AUTHENTICATION', 'MARKETING', 'UTILITY'];
const MAX_QUICK_REPLIES = 10;

const invalid = (details: string) => new GraphError(100, details);
const upper = (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : undefined);

function placeholdersOf(text: string): number[] {
  return [...text.matchAll(/\{\{([^}]*)\}\}/g)].map((m) => (/^\d+$/.test(m[1]) ? Number(m[1]) : NaN));
}

/** The create request as the sandbox's own template definition; throws GraphError(100) like Meta. */
export function parseTemplateCreate(body: unknown): TemplateDefinition {
  if (!isObject(body)) throw invalid('The request body must be a JSON object.');
  const { name, language } = body;
  if (typeof name !== 'string' || !name) throw invalid('The parameter name is required.');
  if (!/^[a-z0-9_]{1,512}$/.test(name)) throw invalid('Param name must contain only lowercase letters, numbers and underscores, at most 512 characters.');
  if (typeof language !== 'string' || !language) throw invalid('The parameter language is required.');
  if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language)) throw invalid(`Param language is not a supported language code: "${language}".`);
  const category = upper(body.category) as TemplateCategory | undefined;
  if (!category) throw invalid('The parameter category is required.');
  if (!CATEGORIES.includes(category)) throw invalid(`Param category must be one of {AUTHENTICATION, MARKETING, UTILITY} - got "${String(body.category)}".`);
  if (body.parameter_format !== undefined && upper(body.parameter_format) !== 'POSITIONAL')
    throw invalid('The sandbox supports positional parameters ({{1}}) only.');
  const components = componentsOf(body.components);
  const ttl = body.message_send_ttl_seconds;
  const maxTtl = category === 'AUTHENTICATION' ? 900 : 43_200;
  if (ttl !== undefined && !(Number.isInteger(ttl) && (ttl as number) >= 30 && (ttl as number) <= maxTtl))
    throw invalid(`Param message_send_ttl_seconds must be an integer between 30 and ${maxTtl}.`);
  const definition = category === 'AUTHENTICATION' ? authentication(name, language, components) : standard(name, language, category, components);
  return { ...definition, ...(ttl !== undefined ? { messageSendTtlSeconds: ttl as number } : {}) };
}

function componentsOf(raw: unknown): Map<string, Json> {
  if (!Array.isArray(raw) || raw.length === 0) throw invalid('The parameter components is required.');
  const byType = new Map<string, Json>();
  for (const [i, component] of raw.entries()) {
    if (!isObject(component)) throw invalid(`Param components[${i}] must be an object.`);
    const type = upper(component.type);
    if (!type || !['HEADER', 'BODY', 'FOOTER', 'BUTTONS'].includes(type))
      throw invalid(`Param components[${i}][type] must be one of {HEADER, BODY, FOOTER, BUTTONS} - got "${String(component.type)}".`);
    if (byType.has(type)) throw invalid(`A template has at most one ${type} component.`);
    byType.set(type, component);
  }
  if (!byType.has('BODY')) throw invalid('A template needs a BODY component.');
  return byType;
}

function standard(name: string, language: string, category: TemplateCategory, components: Map<string, Json>): TemplateDefinition {
  const body = components.get('BODY')!;
  if (typeof body.text !== 'string' || !body.text.trim()) throw invalid('Param components[BODY][text] is required.');
  const text = body.text;
  if (charCount(text) > 1024) throw invalid('The body text must be at most 1024 characters long.');
  const numbers = placeholdersOf(text);
  if (numbers.some((n) => !Number.isInteger(n) || n < 1)) throw invalid('Body parameters must be written {{1}}, {{2}}, … (positional).');
  const count = Math.max(0, ...numbers);
  for (let n = 1; n <= count; n++) if (!numbers.includes(n)) throw invalid(`Body parameters must be sequential: {{${n}}} is missing.`);
  if (count && (/^\s*\{\{\d+\}\}/.test(text) || /\{\{\d+\}\}\s*$/.test(text))) throw invalid("Variables can't be at the start or end of the template.");
  const examples = bodyExamples(body, count);

  const footer = components.get('FOOTER');
  let footerText: string | undefined;
  if (footer) {
    if (typeof footer.text !== 'string' || !footer.text) throw invalid('Param components[FOOTER][text] is required.');
    if (charCount(footer.text) > 60) throw invalid('The footer text must be at most 60 characters long.');
    if (/\{\{/.test(footer.text)) throw invalid('The footer cannot contain parameters.');
    footerText = footer.text;
  }

  const header = components.get('HEADER');
  if (header && upper(header.format) !== 'DOCUMENT') throw invalid(`The sandbox supports DOCUMENT headers only - got "${String(header.format)}".`);

  const quickReplies = components.has('BUTTONS') ? quickReplyButtons(components.get('BUTTONS')!) : undefined;
  return {
    name,
    language,
    category,
    ...(header ? { documentHeader: true } : {}),
    body: text,
    ...(examples.length ? { bodyExamples: examples } : {}),
    ...(footerText ? { footer: footerText } : {}),
    ...(quickReplies ? { quickReplies } : {}),
  };
}

/** Meta reviews a template with parameters only with sample values for them: `example.body_text: [[…]]`. */
function bodyExamples(body: Json, count: number): string[] {
  if (!count) return [];
  const rows = isObject(body.example) ? body.example.body_text : undefined;
  const row = Array.isArray(rows) && rows.length === 1 ? rows[0] : undefined;
  if (!Array.isArray(row)) throw invalid(`The body has ${count} parameters: sample values are required in components[BODY][example][body_text] as [[…]].`);
  if (row.length !== count || row.some((value) => typeof value !== 'string' || !value.trim()))
    throw invalid(`The body has ${count} parameters but ${row.length} sample values were given.`);
  return row as string[];
}

function buttonsOf(component: Json): Json[] {
  const { buttons } = component;
  if (!Array.isArray(buttons) || buttons.length === 0) throw invalid('Param components[BUTTONS][buttons] is required.');
  if (buttons.some((b) => !isObject(b))) throw invalid('Every button must be an object.');
  return buttons as Json[];
}

function quickReplyButtons(component: Json): string[] {
  const buttons = buttonsOf(component);
  if (buttons.length > MAX_QUICK_REPLIES) throw invalid(`A template has at most ${MAX_QUICK_REPLIES} quick-reply buttons.`);
  const texts = buttons.map((button, i) => {
    if (upper(button.type) !== 'QUICK_REPLY') throw invalid(`The sandbox supports QUICK_REPLY buttons only - got "${String(button.type)}" at ${i}.`);
    if (typeof button.text !== 'string' || !button.text.trim()) throw invalid(`Param buttons[${i}][text] is required.`);
    if (charCount(button.text) > 25) throw invalid(`Param buttons[${i}][text] must be at most 25 characters long.`);
    return button.text;
  });
  if (new Set(texts).size !== texts.length) throw invalid('Button texts must be unique.');
  return texts;
}

function authentication(name: string, language: string, components: Map<string, Json>): TemplateDefinition {
  const body = components.get('BODY')!;
  if (body.text !== undefined) throw invalid('Authentication templates take no body text: WhatsApp writes it.');
  if (body.add_security_recommendation !== undefined && typeof body.add_security_recommendation !== 'boolean')
    throw invalid('Param add_security_recommendation must be a boolean.');
  if (components.has('HEADER')) throw invalid('Authentication templates take no header.');
  const footer = components.get('FOOTER');
  const minutes = footer?.code_expiration_minutes;
  if (footer && (footer.text !== undefined || !(Number.isInteger(minutes) && (minutes as number) >= 1 && (minutes as number) <= 90))) {
    throw invalid('The footer of an authentication template is code_expiration_minutes, an integer between 1 and 90.');
  }
  const buttons = components.has('BUTTONS') ? buttonsOf(components.get('BUTTONS')!) : [];
  const [otp] = buttons;
  if (buttons.length !== 1 || upper(otp.type) !== 'OTP') throw invalid('Authentication templates take exactly one OTP button.');
  if (!['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'].includes(upper(otp.otp_type) ?? ''))
    throw invalid(`Param otp_type must be one of {COPY_CODE, ONE_TAP, ZERO_TAP} - got "${String(otp.otp_type)}".`);
  if (otp.text !== undefined && (typeof otp.text !== 'string' || !otp.text || charCount(otp.text) > 25))
    throw invalid('Param buttons[0][text] must be a text of at most 25 characters.');
  // One-tap and zero-tap fall back to copy-code on handsets without the app; the sandbox shows copy-code.
  return authenticationTemplate(name, language, {
    securityRecommendation: body.add_security_recommendation === true,
    ...(footer ? { codeExpirationMinutes: minutes as number } : {}),
    ...(typeof otp.text === 'string' ? { button: otp.text } : {}),
  });
}

// Send-time checks of a template message against the catalogue, as Meta makes them: the template
// and translation must exist and be approved (132001; paused 132015, disabled 132016), parameter
// counts must match per component (132000),
// parameter kinds must match the template (132012), and an authentication template carries its
// code twice, in the body and in the copy-code button, identical and at most 15 characters.
import { GraphError } from './whatsapp-errors';
import type { HandsetButton, OutboundMessage, PricingCategory } from './whatsapp-model';
import type { TemplateCatalogue } from './whatsapp-template-catalogue';
import { bodyParamCount, type TemplateDefinition } from './whatsapp-templates';
import { charCount, isObject, parseMedia } from './whatsapp-params';

type Json = Record<string, unknown>;

interface Components {
  header?: Json;
  body?: Json;
  buttons: Map<number, Json>;
}

export function validateTemplate(template: Json, catalogue: TemplateCatalogue): Pick<OutboundMessage, 'category' | 'text' | 'buttons' | 'media'> {
  if (typeof template.name !== 'string' || !template.name) throw new GraphError(100, "The parameter template['name'] is required.");
  const language = template.language;
  if (!isObject(language) || typeof language.code !== 'string' || !language.code)
    throw new GraphError(100, "The parameter template['language']['code'] is required.");
  const definition = catalogue.sendable(template.name, language.code);

  const components = groupComponents(template.components);
  const values = bodyValues(definition, components.body);
  const text = [definition.body.replace(/\{\{(\d+)\}\}/g, (_, n: string) => values[Number(n) - 1]), definition.footer].filter(Boolean).join('\n');
  if (charCount(text) > 1024) throw new GraphError(132005, 'The message body is longer than 1024 characters once the parameters are filled in.');
  return {
    category: definition.category.toLowerCase() as PricingCategory,
    text,
    buttons: definition.copyCodeButton ? [copyCodeButton(definition, components.buttons, values[0])] : quickReplies(definition, components.buttons),
    ...headerMedia(definition, components.header),
  };
}

function groupComponents(raw: unknown): Components {
  if (raw !== undefined && !Array.isArray(raw)) throw new GraphError(100, "Param template['components'] must be an array.");
  const grouped: Components = { buttons: new Map() };
  for (const [i, component] of ((raw ?? []) as unknown[]).entries()) {
    if (!isObject(component)) throw new GraphError(100, `Param template['components'][${i}] must be an object.`);
    if (component.type === 'header' || component.type === 'body') {
      if (grouped[component.type]) throw new GraphError(100, `Only one ${component.type} component is allowed.`);
      grouped[component.type] = component;
    } else if (component.type === 'button') {
      const index = Number(component.index);
      if (!Number.isInteger(index) || index < 0) throw new GraphError(100, `Param template['components'][${i}]['index'] must be a button index.`);
      if (grouped.buttons.has(index)) throw new GraphError(100, `Button index ${index} appears twice.`);
      grouped.buttons.set(index, component);
    } else {
      throw new GraphError(100, `Param template['components'][${i}]['type'] must be one of {HEADER, BODY, BUTTON} - got "${String(component.type)}".`);
    }
  }
  return grouped;
}

function parameters(component: Json | undefined, where: string): unknown[] {
  if (component?.parameters === undefined) return [];
  if (!Array.isArray(component.parameters)) throw new GraphError(100, `Param ${where} parameters must be an array.`);
  return component.parameters;
}

function countMismatch(where: string, got: number, expected: number): GraphError {
  return new GraphError(132000, `${where}: number of localizable_params (${got}) does not match the expected number of params (${expected})`);
}

/** Body parameters as text: plain text, or the fallback value of a currency or date. */
function bodyValues(definition: TemplateDefinition, body: Json | undefined): string[] {
  const params = parameters(body, 'body');
  const expected = bodyParamCount(definition);
  if (params.length !== expected) throw countMismatch('body', params.length, expected);
  return params.map((param, i) => {
    if (!isObject(param)) throw new GraphError(100, `Body parameter ${i + 1} must be an object.`);
    const value =
      param.type === 'text'
        ? param.text
        : param.type === 'currency' || param.type === 'date_time'
          ? (param[param.type] as Json | undefined)?.fallback_value
          : undefined;
    if (!['text', 'currency', 'date_time'].includes(String(param.type)))
      throw new GraphError(132012, `body: parameter ${i + 1} has type ${String(param.type)}, expected TEXT`);
    if (typeof value !== 'string' || !value.trim()) throw new GraphError(131008, `body: parameter ${i + 1} has no value.`);
    // A frequent production failure: Meta refuses line breaks, tabs and long runs of spaces in parameters.
    if (/[\n\t]| {5,}/.test(value)) throw new GraphError(100, 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces.');
    return value;
  });
}

function headerMedia(definition: TemplateDefinition, header: Json | undefined): Pick<OutboundMessage, 'media'> {
  const params = parameters(header, 'header');
  if (!definition.documentHeader) {
    if (params.length) throw countMismatch('header', params.length, 0);
    return {};
  }
  if (params.length !== 1) throw countMismatch('header', params.length, 1);
  const [param] = params;
  if (!isObject(param) || param.type !== 'document')
    throw new GraphError(132012, `header: Format mismatch, expected DOCUMENT, received ${String(isObject(param) ? param.type : param).toUpperCase()}`);
  if (!isObject(param.document)) throw new GraphError(131008, 'The parameter header document is required.');
  return { media: parseMedia('document', param.document) };
}

function copyCodeButton(definition: TemplateDefinition, buttons: Map<number, Json>, code: string): HandsetButton {
  for (const [index, component] of buttons) {
    if (index !== 0 || component.sub_type !== 'url')
      throw new GraphError(131009, `Button at index ${index} of type ${String(component.sub_type)} does not exist in the template.`);
  }
  const params = parameters(buttons.get(0), 'button');
  if (params.length !== 1) throw countMismatch('buttons', params.length, 1);
  const [param] = params;
  if (!isObject(param) || param.type !== 'text' || typeof param.text !== 'string')
    throw new GraphError(132012, 'buttons: the copy-code button takes one text parameter, the code.');
  if (param.text !== code) throw new GraphError(131009, 'The code in the copy-code button parameter must be the same as the one in the body.');
  if (charCount(code) > 15) throw new GraphError(131009, 'Authentication codes must be at most 15 characters long.');
  return { id: 'copy_code', title: definition.copyCodeButton!, kind: 'copy_code', copyCode: code };
}

/** Quick replies carry the payload given at send time; without one, Meta returns the button text. */
function quickReplies(definition: TemplateDefinition, buttons: Map<number, Json>): HandsetButton[] | undefined {
  const titles = definition.quickReplies ?? [];
  for (const [index, component] of buttons) {
    if (index >= titles.length || component.sub_type !== 'quick_reply')
      throw new GraphError(131009, `Button at index ${index} of type ${String(component.sub_type)} does not exist in the template.`);
  }
  if (!titles.length) return undefined;
  return titles.map((title, index) => {
    const component = buttons.get(index);
    if (!component) return { id: title, title, kind: 'quick_reply' };
    const [param, ...extra] = parameters(component, 'button');
    if (!isObject(param) || param.type !== 'payload' || typeof param.payload !== 'string' || !param.payload || extra.length) {
      throw new GraphError(131008, `Button at index ${index}: one parameter {type: 'payload', payload} is required.`);
    }
    return { id: param.payload, title, kind: 'quick_reply' };
  });
}

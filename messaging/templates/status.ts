// What `npm run templates -- status` reports: each shipped translation's review status in the WABA,
// and where the registered template differs from the shipped definition (an approved template with
// another parameter count or other buttons breaks the sends; another text means the customer reads
// something else than what the code says; Meta may also move a utility template to MARKETING).
import { bodyParameterCount, quickReplyTexts, type TemplateDefinition } from './definitions';
import type { RemoteTemplate, ReviewStatus } from './registry';

export interface TemplateStatusRow {
  name: string;
  language: string;
  status: ReviewStatus | 'missing';
  reason?: string;
  /** differences between the registered template and the shipped definition */
  drift: string[];
}

type Component = Record<string, unknown>;

const component = (components: Component[], type: string) => components.find((c) => String(c.type).toUpperCase() === type);
const buttonTexts = (c: Component | undefined) => (Array.isArray(c?.buttons) ? (c.buttons as Component[]).map((b) => String(b.text ?? '')) : []);
const placeholders = (text: string) => Math.max(0, ...[...text.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])));

export function templateDrift(definition: TemplateDefinition, remote: RemoteTemplate): string[] {
  const drift: string[] = [];
  const local = definition.components as unknown as Component[];
  if (remote.category.toUpperCase() !== definition.category) drift.push(`category is ${remote.category}, shipped ${definition.category}`);
  const [body, footer, buttons] = ['BODY', 'FOOTER', 'BUTTONS'].map((type) => component(remote.components, type));
  const [localBody, localFooter, localButtons] = ['BODY', 'FOOTER', 'BUTTONS'].map((type) => component(local, type));
  if (definition.category === 'AUTHENTICATION') {
    // Meta writes the texts of authentication templates; only the options are ours.
    if (Boolean(body?.add_security_recommendation) !== Boolean(localBody?.add_security_recommendation)) drift.push('security recommendation differs');
    if (footer?.code_expiration_minutes !== localFooter?.code_expiration_minutes)
      drift.push(`code expiration is ${String(footer?.code_expiration_minutes)} minutes, shipped ${String(localFooter?.code_expiration_minutes)}`);
  } else {
    const text = String(body?.text ?? '');
    if (placeholders(text) !== bodyParameterCount(definition))
      drift.push(`body takes ${placeholders(text)} parameters, shipped ${bodyParameterCount(definition)}`);
    else if (text !== localBody?.text) drift.push('body text differs');
    if ((footer?.text ?? undefined) !== localFooter?.text) drift.push('footer text differs');
  }
  const remoteButtons = buttonTexts(buttons);
  const shippedButtons = definition.category === 'AUTHENTICATION' ? buttonTexts(localButtons) : quickReplyTexts(definition);
  if (JSON.stringify(remoteButtons) !== JSON.stringify(shippedButtons))
    drift.push(`buttons are ${JSON.stringify(remoteButtons)}, shipped ${JSON.stringify(shippedButtons)}`);
  return drift;
}

export function templateStatuses(definitions: readonly TemplateDefinition[], remote: readonly RemoteTemplate[]): TemplateStatusRow[] {
  return definitions.map((definition) => {
    const found = remote.find((t) => t.name === definition.name && t.language === definition.language);
    if (!found) return { name: definition.name, language: definition.language, status: 'missing', drift: [] };
    return {
      name: found.name,
      language: found.language,
      status: found.status,
      ...(found.rejectedReason ? { reason: found.rejectedReason } : {}),
      drift: templateDrift(definition, found),
    };
  });
}

/** A shipped template is usable when it is approved and registered as shipped. */
export function isReady(row: TemplateStatusRow): boolean {
  return row.status === 'APPROVED' && row.drift.length === 0;
}

// The sandbox business's templates and their review state: the built-in catalogue (approved) plus
// what `POST /{WABA}/message_templates` created. Meta reviews asynchronously; here a template is
// APPROVED at once unless the control API set a verdict for it (PENDING, REJECTED with a reason,
// PAUSED, DISABLED), so tests can play every answer Meta gives. Only APPROVED templates can be sent.
import { GraphError } from './whatsapp-errors';
import { parseTemplateCreate } from './whatsapp-template-create';
import { TEMPLATES, toGraphTemplate, type ReviewStatus, type TemplateDefinition } from './whatsapp-templates';

export const REVIEW_STATUSES: ReviewStatus[] = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'];

export interface CatalogueEntry {
  definition: TemplateDefinition;
  status: ReviewStatus;
  reason?: string;
}

interface Verdict {
  name: string;
  /** every language when absent */
  language?: string;
  status: ReviewStatus;
  reason?: string;
}

const key = (name: string, language: string) => `${name}/${language}`;

export class TemplateCatalogue {
  private entries = new Map<string, CatalogueEntry>();
  private verdicts: Verdict[] = [];

  constructor(private readonly builtIn: readonly TemplateDefinition[] = TEMPLATES) {
    this.reset();
  }

  /** Back to the built-in catalogue, all approved, with no verdicts. */
  reset(): void {
    this.entries = new Map(this.builtIn.map((definition) => [key(definition.name, definition.language), { definition, status: 'APPROVED' }]));
    this.verdicts = [];
  }

  find(name: string, language: string): CatalogueEntry | undefined {
    return this.entries.get(key(name, language));
  }

  list(): CatalogueEntry[] {
    return [...this.entries.values()];
  }

  /** A create request: validated, stored with its verdict (APPROVED by default); an existing name + language is refused as Meta does. */
  create(body: unknown): { id: string; status: ReviewStatus; category: string } {
    const definition = parseTemplateCreate(body);
    const id = key(definition.name, definition.language);
    if (this.entries.has(id)) {
      throw new GraphError(100, `Content in this language already exists for ${definition.name}.`, {
        subcode: 2388024,
        title: 'Content in This Language Already Exists',
        message: `There is already ${definition.language} content for this template. You can create a new template and try again.`,
      });
    }
    const verdict = this.verdictFor(definition.name, definition.language);
    const entry: CatalogueEntry = { definition, status: verdict?.status ?? 'APPROVED', ...(verdict?.reason ? { reason: verdict.reason } : {}) };
    this.entries.set(id, entry);
    return { id: this.toGraph(entry).id, status: entry.status, category: definition.category };
  }

  /** Sets the review outcome of a template (one language or all), now and for translations created later. */
  review(verdict: Verdict): CatalogueEntry[] {
    this.verdicts = this.verdicts.filter((v) => !(v.name === verdict.name && v.language === verdict.language));
    this.verdicts.push(verdict);
    const affected = this.list().filter((e) => e.definition.name === verdict.name && (!verdict.language || e.definition.language === verdict.language));
    for (const entry of affected) {
      entry.status = verdict.status;
      if (verdict.reason) entry.reason = verdict.reason;
      else delete entry.reason;
    }
    return affected;
  }

  /** `DELETE /{WABA}/message_templates?name=` removes every language of the name; returns how many. */
  delete(name: string): number {
    const doomed = this.list().filter((e) => e.definition.name === name);
    for (const entry of doomed) this.entries.delete(key(entry.definition.name, entry.definition.language));
    return doomed.length;
  }

  toGraph(entry: CatalogueEntry) {
    return toGraphTemplate(entry.definition, { status: entry.status, reason: entry.reason });
  }

  /** The template a send names, if it may be sent: 132001 when missing or not approved, 132015 / 132016 when paused / disabled. */
  sendable(name: string, language: string): TemplateDefinition {
    const entry = this.find(name, language);
    if (!entry) throw new GraphError(132001, `template name (${name}) does not exist in ${language}`);
    if (entry.status === 'PAUSED') throw new GraphError(132015, `template name (${name}) is paused due to low quality`);
    if (entry.status === 'DISABLED') throw new GraphError(132016, `template name (${name}) has been paused too many times and is disabled`);
    if (entry.status !== 'APPROVED') throw new GraphError(132001, `template name (${name}) in ${language} is not approved (status ${entry.status})`);
    return entry.definition;
  }

  private verdictFor(name: string, language: string): Verdict | undefined {
    return this.verdicts.find((v) => v.name === name && v.language === language) ?? this.verdicts.find((v) => v.name === name && !v.language);
  }
}

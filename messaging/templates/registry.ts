// A small client of the WhatsApp Business Account's template endpoint
// (`{baseUrl}/{version}/{WABA}/message_templates`): list the WABA's templates with their review
// status, create one from a definition in Meta's create format. Used by `npm run templates` and by
// the readiness check when a process is created.
import type { TemplateDefinition } from './definitions';

export interface TemplateRegistryOptions {
  /** Graph API base, e.g. https://graph.facebook.com (sandbox: the app's /sandbox/graph) */
  baseUrl: string;
  version: string;
  wabaId: string;
  accessToken: string;
  timeoutMs?: number;
  /** templates per page when listing (Meta's default is 25) */
  pageSize?: number;
}

/** Meta's review states; the API may add others, which are passed through as they come. */
export type ReviewStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'IN_APPEAL' | 'PENDING_DELETION' | 'DELETED' | (string & {});

/** A template translation as `GET …/message_templates` lists it. */
export interface RemoteTemplate {
  id: string;
  name: string;
  language: string;
  status: ReviewStatus;
  category: string;
  /** why Meta rejected it (`NONE` when not rejected) */
  rejectedReason?: string;
  components: Array<Record<string, unknown>>;
}

export class TemplateRegistryError extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
    readonly code?: number,
    readonly subcode?: number,
  ) {
    super(message);
  }
}

/** Meta's subcode for "Content in this language already exists" on create. */
const ALREADY_EXISTS_SUBCODE = 2388024;

export type RegisterOutcome =
  | { name: string; language: string; outcome: 'created'; id: string; status: ReviewStatus }
  | { name: string; language: string; outcome: 'exists'; status?: ReviewStatus }
  | { name: string; language: string; outcome: 'failed'; error: string };

interface GraphErrorBody {
  error?: { message?: string; code?: number; error_subcode?: number; error_user_msg?: string; error_data?: { details?: string } | string };
}

export class TemplateRegistry {
  constructor(private readonly options: TemplateRegistryOptions) {}

  private get endpoint(): string {
    const { baseUrl, version, wabaId } = this.options;
    return `${baseUrl.replace(/\/$/, '')}/${version}/${wabaId}/message_templates`;
  }

  private async call<T>(url: string, init: { method: 'GET' | 'POST'; body?: unknown }): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method,
        headers: {
          authorization: `Bearer ${this.options.accessToken}`,
          accept: 'application/json',
          ...(init.body ? { 'content-type': 'application/json' } : {}),
        },
        body: init.body ? JSON.stringify(init.body) : undefined,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new TemplateRegistryError(`WhatsApp template API unreachable: ${(error as Error).message}`);
    }
    const payload = (await response.json().catch(() => ({}))) as T & GraphErrorBody;
    if (response.ok && !payload.error) return payload;
    const { error } = payload;
    const details = typeof error?.error_data === 'string' ? error.error_data : error?.error_data?.details;
    const why = [error?.message ?? response.statusText, error?.error_user_msg ?? details].filter(Boolean).join(' — ');
    throw new TemplateRegistryError(
      `WhatsApp template API ${response.status} (#${error?.code ?? '?'}): ${why}`,
      response.status,
      error?.code,
      error?.error_subcode,
    );
  }

  /** Every template translation of the WABA, following Meta's cursor paging. */
  async list(): Promise<RemoteTemplate[]> {
    const templates: RemoteTemplate[] = [];
    const fields = 'id,name,language,status,category,rejected_reason,components';
    let url: string | undefined = `${this.endpoint}?${new URLSearchParams({ fields, limit: String(this.options.pageSize ?? 100) })}`;
    // Meta's `paging.next` is an absolute URL carrying the cursor; a bound guards against a server that loops.
    for (let page = 0; url && page < 1000; page++) {
      const body: { data?: Array<Record<string, unknown>>; paging?: { next?: string } } = await this.call(url, { method: 'GET' });
      for (const raw of body.data ?? []) templates.push(toRemote(raw));
      url = body.paging?.next;
    }
    return templates;
  }

  /** Submits one translation for review; Meta answers with its id and first status. */
  async create(definition: TemplateDefinition): Promise<{ id: string; status: ReviewStatus; category: string }> {
    const body = await this.call<{ id?: string; status?: string; category?: string }>(this.endpoint, { method: 'POST', body: definition });
    if (!body.id) throw new TemplateRegistryError('WhatsApp template API answered without a template id');
    return { id: String(body.id), status: body.status ?? 'PENDING', category: body.category ?? definition.category };
  }

  /**
   * Submits every definition the WABA does not have yet. A name + language that already exists is
   * reported with its status, not submitted again (Meta would refuse it: 2388024); one failure does
   * not stop the others.
   */
  async register(definitions: readonly TemplateDefinition[]): Promise<RegisterOutcome[]> {
    const existing = await this.list();
    const outcomes: RegisterOutcome[] = [];
    for (const definition of definitions) {
      const { name, language } = definition;
      const found = existing.find((t) => t.name === name && t.language === language);
      if (found) {
        outcomes.push({ name, language, outcome: 'exists', status: found.status });
        continue;
      }
      try {
        const created = await this.create(definition);
        outcomes.push({ name, language, outcome: 'created', id: created.id, status: created.status });
      } catch (error) {
        if (error instanceof TemplateRegistryError && error.subcode === ALREADY_EXISTS_SUBCODE) outcomes.push({ name, language, outcome: 'exists' });
        else outcomes.push({ name, language, outcome: 'failed', error: (error as Error).message });
      }
    }
    return outcomes;
  }
}

function toRemote(raw: Record<string, unknown>): RemoteTemplate {
  const reason = raw.rejected_reason;
  return {
    id: String(raw.id ?? ''),
    name: String(raw.name ?? ''),
    language: String(raw.language ?? ''),
    status: String(raw.status ?? 'PENDING'),
    category: String(raw.category ?? ''),
    ...(typeof reason === 'string' && reason !== 'NONE' ? { rejectedReason: reason } : {}),
    components: Array.isArray(raw.components) ? (raw.components as Array<Record<string, unknown>>) : [],
  };
}

// Whether the templates a new process needs are approved in the WhatsApp Business Account, so the API
// can refuse the process at once with a 4xx naming the template, instead of the process failing three
// steps later with a 132001 from Meta. The WABA's list is cached briefly: processes are created far
// more often than templates change, and Meta rate-limits Graph calls per WABA.
import type { RemoteTemplate, ReviewStatus } from './registry';

export interface TemplateSource {
  list(): Promise<RemoteTemplate[]>;
}

export interface TemplateReadinessOptions {
  /** how long a fetched list is trusted; default 60 s */
  ttlMs?: number;
  now?: () => number;
}

export interface TemplateNotReady {
  name: string;
  language: string;
  /** `missing` when the WABA has no such translation, otherwise its review status */
  status: ReviewStatus | 'missing';
  reason?: string;
}

export class TemplateReadiness {
  private cached?: { at: number; templates: Promise<RemoteTemplate[]> };

  constructor(
    private readonly source: TemplateSource,
    private readonly options: TemplateReadinessOptions = {},
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The WABA's templates, fetched at most once per TTL (concurrent callers share one request; a failure is not cached). */
  private templates(): Promise<RemoteTemplate[]> {
    const ttl = this.options.ttlMs ?? 60_000;
    if (!this.cached || this.now() - this.cached.at >= ttl) {
      const entry = { at: this.now(), templates: this.source.list() };
      entry.templates.catch(() => {
        if (this.cached === entry) this.cached = undefined;
      });
      this.cached = entry;
    }
    return this.cached.templates;
  }

  /** The required translations that cannot be sent now (none: the process may start). Throws when the WABA cannot be asked. */
  async missing(required: ReadonlyArray<{ name: string; language: string }>): Promise<TemplateNotReady[]> {
    if (!required.length) return [];
    const templates = await this.templates();
    const notReady: TemplateNotReady[] = [];
    for (const { name, language } of required) {
      const found = templates.find((t) => t.name === name && t.language === language);
      if (!found) notReady.push({ name, language, status: 'missing' });
      else if (found.status !== 'APPROVED')
        notReady.push({ name, language, status: found.status, ...(found.rejectedReason ? { reason: found.rejectedReason } : {}) });
    }
    return notReady;
  }

  /** Forget the cached list (e.g. after registering templates or on a review webhook). */
  invalidate(): void {
    this.cached = undefined;
  }
}

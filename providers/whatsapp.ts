// WhatsApp senders behind one small interface. One implementation speaks the Meta Cloud API; with
// `style: '360dialog'` it speaks 360dialog's variant (same bodies, D360-API-KEY, no phone number id in
// paths). The sandbox emulates the Cloud API, so the same code runs everywhere.
import { ProviderError } from './sms';

export interface SendOptions {
  /** echoed by Meta as biz_opaque_callback_data in status webhooks */
  correlationId?: string;
  /** makes the message a reply (context.message_id) */
  replyTo?: string;
}

export interface TemplateComponent {
  type: 'header' | 'body' | 'button';
  sub_type?: 'quick_reply' | 'url';
  index?: string;
  parameters: Array<Record<string, unknown>>;
}

export interface WhatsAppSender {
  readonly provider: string;
  /** the sending business number's id (the window is kept per business number and customer) */
  readonly businessNumberId: string;
  sendText(to: string, body: string, options?: SendOptions): Promise<string>;
  sendTemplate(to: string, template: { name: string; language: string; components?: TemplateComponent[] }, options?: SendOptions): Promise<string>;
  sendButtons(to: string, message: { body: string; footer?: string; buttons: Array<{ id: string; title: string }> }, options?: SendOptions): Promise<string>;
  sendDocument(to: string, document: { mediaId: string; filename: string; caption?: string }, options?: SendOptions): Promise<string>;
  /** authentication template with a copy-code button: the code goes in the body and in the button's url parameter */
  sendAuthenticationCode(to: string, template: { name: string; language: string; code: string }, options?: SendOptions): Promise<string>;
  uploadMedia(bytes: Uint8Array, mimeType: string, filename: string): Promise<string>;
  markRead(messageId: string): Promise<void>;
}

export interface CloudApiOptions {
  baseUrl: string;
  version: string;
  /** Cloud API: the phone number id in every path; 360dialog: absent (the key selects the number) */
  phoneNumberId?: string;
  accessToken: string;
  style: 'cloud' | '360dialog';
  /** a name for the provider in records ("cloud", "360dialog", "sandbox") */
  provider: string;
  timeoutMs?: number;
}

/**
 * Meta error codes and what to do about them (whatsapp-wire.md §1 "Errors"). Anything not listed is
 * treated as "fix, don't retry" when 4xx and "retry" when 5xx.
 */
const RETRYABLE = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131049, 131056, 131057, 133004]);
const AUTH = new Set([0, 190]);

export function classifyGraphError(code: number, httpStatus: number): ProviderError['kind'] {
  if (code === 131047) return 'template_required';
  if (code === 131026) return 'not_on_whatsapp';
  if (AUTH.has(code)) return 'auth';
  if (RETRYABLE.has(code)) return 'retryable';
  return httpStatus >= 500 ? 'retryable' : 'rejected';
}

interface GraphErrorBody {
  error?: { message?: string; code?: number; error_data?: { details?: string } };
}

export class CloudApiClient implements WhatsAppSender {
  readonly provider: string;
  readonly businessNumberId: string;

  constructor(private readonly options: CloudApiOptions) {
    this.provider = options.provider;
    this.businessNumberId = options.phoneNumberId ?? '360dialog';
  }

  private url(path: 'messages' | 'media'): string {
    const { baseUrl, version, phoneNumberId, style } = this.options;
    return style === '360dialog' ? `${baseUrl}/${path}` : `${baseUrl}/${version}/${phoneNumberId}/${path}`;
  }

  private authHeaders(): Record<string, string> {
    return this.options.style === '360dialog' ? { 'D360-API-KEY': this.options.accessToken } : { authorization: `Bearer ${this.options.accessToken}` };
  }

  private async call<T>(path: 'messages' | 'media', body: BodyInit, contentType?: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url(path), {
        method: 'POST',
        headers: { ...this.authHeaders(), ...(contentType ? { 'content-type': contentType } : {}), accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new ProviderError(`WhatsApp API unreachable: ${(error as Error).message}`, 'retryable');
    }
    const payload = (await response.json().catch(() => ({}))) as T & GraphErrorBody;
    if (response.ok && !payload.error) return payload;
    const code = payload.error?.code ?? -1;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ProviderError(
      `WhatsApp ${response.status} (#${code}): ${payload.error?.message ?? response.statusText}${payload.error?.error_data?.details ? ` — ${payload.error.error_data.details}` : ''}`,
      classifyGraphError(code, response.status),
      {
        httpStatus: response.status,
        code,
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      },
    );
  }

  private async send(to: string, message: Record<string, unknown>, options: SendOptions = {}): Promise<string> {
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: to.replace(/^\+/, ''),
      ...message,
      ...(options.replyTo ? { context: { message_id: options.replyTo } } : {}),
      ...(options.correlationId ? { biz_opaque_callback_data: options.correlationId } : {}),
    };
    const result = await this.call<{ messages?: Array<{ id: string }> }>('messages', JSON.stringify(body), 'application/json');
    const id = result.messages?.[0]?.id;
    if (!id) throw new ProviderError('WhatsApp answered without a message id', 'retryable');
    return id;
  }

  sendText(to: string, body: string, options?: SendOptions) {
    return this.send(to, { type: 'text', text: { preview_url: false, body } }, options);
  }

  sendTemplate(to: string, template: { name: string; language: string; components?: TemplateComponent[] }, options?: SendOptions) {
    return this.send(
      to,
      { type: 'template', template: { name: template.name, language: { code: template.language }, components: template.components ?? [] } },
      options,
    );
  }

  sendButtons(to: string, message: { body: string; footer?: string; buttons: Array<{ id: string; title: string }> }, options?: SendOptions) {
    return this.send(
      to,
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: message.body },
          ...(message.footer ? { footer: { text: message.footer } } : {}),
          action: { buttons: message.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
        },
      },
      options,
    );
  }

  sendDocument(to: string, document: { mediaId: string; filename: string; caption?: string }, options?: SendOptions) {
    return this.send(
      to,
      { type: 'document', document: { id: document.mediaId, filename: document.filename, ...(document.caption ? { caption: document.caption } : {}) } },
      options,
    );
  }

  sendAuthenticationCode(to: string, template: { name: string; language: string; code: string }, options?: SendOptions) {
    return this.sendTemplate(
      to,
      {
        name: template.name,
        language: template.language,
        components: [
          { type: 'body', parameters: [{ type: 'text', text: template.code }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: template.code }] },
        ],
      },
      options,
    );
  }

  async uploadMedia(bytes: Uint8Array, mimeType: string, filename: string): Promise<string> {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', mimeType);
    form.set('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), filename);
    const result = await this.call<{ id?: string }>('media', form);
    if (!result.id) throw new ProviderError('WhatsApp media upload answered without an id', 'retryable');
    return result.id;
  }

  async markRead(messageId: string): Promise<void> {
    await this.call('messages', JSON.stringify({ messaging_product: 'whatsapp', status: 'read', message_id: messageId }), 'application/json');
  }
}

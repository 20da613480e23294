// SMS delivery behind a small interface. The one implementation speaks Twilio's Messages API; the
// sandbox emulates that API, so the same code runs in development, tests and production.
export interface SmsMessage {
  to: string;
  body: string;
  /** where the provider posts delivery statuses */
  statusCallback?: string;
}

export interface SentMessage {
  messageId: string;
  status: string;
  /** a provider error code, when the message already failed */
  error?: number | string;
}

export interface SmsSender {
  readonly provider: string;
  send(message: SmsMessage): Promise<SentMessage>;
}

/** A provider's refusal or failure, classified so activities know whether to retry. */
export class ProviderError extends Error {
  constructor(
    message: string,
    /**
     * retryable: back off and retry (honouring retryAfterMs); auth: a token problem (retried: an
     * operator may fix it); rejected / invalid_recipient: fix, don't retry; template_required: outside
     * the 24-hour window, send a template; not_on_whatsapp: switch the conversation to SMS.
     */
    readonly kind: 'retryable' | 'rejected' | 'invalid_recipient' | 'auth' | 'template_required' | 'not_on_whatsapp',
    readonly details: { httpStatus?: number; code?: number | string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

// Graph API errors as Meta returns them: one envelope for every failure, the code is what clients
// must act on (titles and HTTP statuses are informational), and the same codes reappear in
// `failed` status webhooks for errors found after the message was accepted.
import { randomBytes } from 'node:crypto';

interface ErrorKind {
  title: string;
  /** HTTP status of the synchronous answer */
  status: number;
  details: string;
}

// Titles and details from Meta's error-code reference; only the codes the emulator raises or a
// fault switch may inject. Unknown codes injected by a test still get a well-formed envelope.
const KINDS: Record<number, ErrorKind> = {
  100: { title: 'Invalid parameter', status: 400, details: 'Invalid parameter' },
  190: { title: 'Invalid OAuth access token - Cannot parse access token', status: 401, details: 'The access token is missing, expired or invalid.' },
  2500: { title: 'Unknown path components', status: 400, details: 'The requested path does not exist.' },
  130429: { title: 'Rate limit hit', status: 429, details: 'Cloud API message throughput has been reached.' },
  131000: { title: 'Something went wrong', status: 500, details: 'Message failed to send due to an unknown error.' },
  131008: { title: 'Required parameter is missing', status: 400, details: 'The request is missing a required parameter.' },
  131009: { title: 'Parameter value is not valid', status: 400, details: 'One or more parameter values are invalid.' },
  131016: { title: 'Service unavailable', status: 400, details: 'A service is temporarily unavailable.' },
  131021: { title: 'Recipient cannot be sender', status: 400, details: 'Sender and recipient phone number is the same.' },
  131026: {
    title: 'Message undeliverable',
    status: 400,
    details: 'Unable to deliver message: the recipient is not on WhatsApp, or uses an old version, or has not accepted the terms.',
  },
  131047: {
    title: 'Re-engagement message',
    status: 400,
    details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131049: {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    status: 400,
    details: 'Meta chose not to deliver this message.',
  },
  131051: { title: 'Unsupported message type', status: 400, details: 'Unsupported message type.' },
  131053: { title: 'Media upload error', status: 400, details: 'Unable to upload the media used in the message.' },
  131056: {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    status: 429,
    details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  },
  131057: { title: 'Account in maintenance mode', status: 400, details: 'Business Account is in maintenance mode.' },
  132000: {
    title: 'Number of parameters does not match the expected number of params',
    status: 400,
    details: 'The number of variable parameter values does not match the number of variables defined in the template.',
  },
  132001: {
    title: 'Template name does not exist in the translation',
    status: 404,
    details: 'The template does not exist in the specified language or has not been approved.',
  },
  132005: { title: 'Translated text too long', status: 400, details: 'Translated text is too long.' },
  132012: {
    title: 'Parameter format does not match format in the created template',
    status: 400,
    details: 'Variable parameter values are formatted incorrectly.',
  },
  132015: { title: 'Template is Paused', status: 400, details: 'Template is paused due to low quality.' },
  132016: { title: 'Template is Disabled', status: 400, details: 'Template has been paused too many times and is permanently disabled.' },
  133010: { title: 'Phone number not registered', status: 400, details: 'The phone number is not registered on the WhatsApp Business Platform.' },
};

function errorKind(code: number): ErrorKind {
  return KINDS[code] ?? { title: 'Error', status: 400, details: `Error ${code}` };
}

/** Throw from the emulator to answer with a Graph error envelope. */
export class GraphError extends Error {
  readonly status: number;
  readonly title: string;
  readonly details: string;

  constructor(
    readonly code: number,
    details?: string,
    /** template management still answers with a subcode and a message for the user (e.g. 2388024: already exists) */
    readonly user?: { subcode: number; title: string; message: string },
  ) {
    const kind = errorKind(code);
    super(`(#${code}) ${kind.title}`);
    this.status = kind.status;
    this.title = kind.title;
    this.details = details ?? kind.details;
  }

  toBody() {
    return {
      error: {
        message: this.message,
        type: 'OAuthException',
        code: this.code,
        ...(this.user ? { error_subcode: this.user.subcode, is_transient: false, error_user_title: this.user.title, error_user_msg: this.user.message } : {}),
        error_data: { messaging_product: 'whatsapp', details: this.details },
        fbtrace_id: randomBytes(18).toString('base64').replace(/[+/=]/g, 'A'),
      },
    };
  }

  /** The entry of a `failed` status webhook's errors[] */
  toStatusError() {
    return {
      code: this.code,
      title: this.title,
      message: this.title,
      error_data: { details: this.details },
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    };
  }
}

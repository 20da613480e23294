// Provider errors (providers/sms.ts ProviderError) as Temporal failures the workflows' retry policies act on.
import { ApplicationFailure } from '@temporalio/activity';
import { ProviderError } from '../providers/sms';

/** Provider errors become typed failures: the workflow's retry policy knows which ones not to retry. */
export function toActivityFailure(error: unknown): unknown {
  if (!(error instanceof ProviderError)) return error;
  switch (error.kind) {
    case 'retryable':
      return ApplicationFailure.create({
        message: error.message,
        type: 'ProviderUnavailable',
        details: [error.details],
        nextRetryDelay: error.details.retryAfterMs,
      });
    case 'auth':
      return ApplicationFailure.create({ message: error.message, type: 'ProviderAuth', details: [error.details] });
    case 'invalid_recipient':
      return ApplicationFailure.nonRetryable(error.message, 'InvalidRecipient', error.details);
    case 'template_required':
      return ApplicationFailure.nonRetryable(error.message, 'TemplateRequired', error.details);
    case 'not_on_whatsapp':
      return ApplicationFailure.nonRetryable(error.message, 'NotOnWhatsApp', error.details);
    default:
      return ApplicationFailure.nonRetryable(error.message, 'ProviderRejected', error.details);
  }
}

// Step 5 (optional): extra validations the business asked for — a typed consent phrase, the last digits
// of the customer's ID document. Phones capitalise and add accents, so the comparison ignores case,
// accents and surrounding spaces.
import { clearConversationWait, setConversationWait } from './activities';
import type { ExtraValidation } from '../../shared/process';
import { ProcessEnded, type Conversation } from './conversation';

export const VALIDATION_ATTEMPTS = 3;

/** Case-, accent- and space-insensitive form of what the customer typed (String.normalize is deterministic). */
export function normalizeTyped(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}

function matches(validation: ExtraValidation, text: string): boolean {
  if (validation.type === 'typed_phrase') return normalizeTyped(text) === normalizeTyped(validation.phrase);
  return text.replace(/[\s.-]/g, '').toUpperCase() === validation.digits.toUpperCase();
}

export class ValidationStep {
  constructor(
    private readonly conversation: Conversation,
    /** ROUTE_CLOSES_PATCH (process.ts): the last phrase passed closes the route before anyone can see it passed */
    private readonly options: { answerClosesRoute: boolean },
  ) {}

  async run(): Promise<void> {
    const c = this.conversation;
    const { input } = c;
    if (input.extraValidations.length === 0) return;
    // The typed text itself is needed here (not a hash): the wait asks the webhook for it — before the
    // status says we are waiting, so nothing typed after that can arrive as a bare hash.
    await setConversationWait({ processId: input.processId, phone: input.customer.phone, expects: 'text' });
    await c.begin('awaiting_validation', 'validation');
    for (const [index, validation] of input.extraValidations.entries()) {
      const ask = async () => {
        if (validation.type === 'typed_phrase') await c.say('validation_prompt', 'validation_typed_phrase', { phrase: validation.phrase });
        else await c.say('validation_prompt', 'validation_id_last_digits', { count: validation.digits.length });
      };
      await ask();
      c.record('validation.requested', { channel: 'whatsapp', detail: { type: validation.type, index } });
      await c.publish();
      for (let attempt = 1; ; attempt++) {
        const typed = await c.waitFor((m) => (m.text !== undefined ? m : undefined), { reask: ask });
        if (typeof typed === 'symbol') continue;
        if (matches(validation, typed.text!)) {
          const last = index === input.extraValidations.length - 1;
          if (last && this.options.answerClosesRoute) await clearConversationWait({ processId: input.processId });
          c.record('validation.passed', { channel: 'whatsapp', messageIds: [typed.messageId], detail: { type: validation.type, index, attempt } });
          break;
        }
        c.record('validation.attempt_failed', {
          channel: 'whatsapp',
          messageIds: [typed.messageId],
          detail: { type: validation.type, index, attempt, of: VALIDATION_ATTEMPTS },
        });
        if (attempt === VALIDATION_ATTEMPTS) {
          c.record('validation.failed', { detail: { type: validation.type, index } });
          await c.say('closing', 'validation_failed');
          throw new ProcessEnded('rejected', 'validation_failed');
        }
        await c.say('validation_wrong', 'validation_wrong', { remaining: VALIDATION_ATTEMPTS - attempt });
        await c.publish();
      }
    }
  }
}

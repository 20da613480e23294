// Step 1: the customer's consent to be contacted on WhatsApp, in one of three ways (PRODUCT.md §2.1).
import { ACTIONS } from '../../shared/process';
import { actionOf, ProcessEnded, type Conversation } from './conversation';

export class OptInStep {
  constructor(private readonly conversation: Conversation) {}

  async run(): Promise<void> {
    const { input } = this.conversation;
    switch (input.optIn.mode) {
      case 'whatsapp':
        return this.askOnWhatsApp();
      case 'recorded':
        return this.noticeForRecordedConsent();
      case 'click_to_chat':
        return this.awaitToken();
    }
  }

  /** A utility template with *Yes, I agree* / *No*; the reminder (after 24 h of silence) sends it again. */
  private async askOnWhatsApp(): Promise<void> {
    const c = this.conversation;
    const { input } = c;
    await c.begin('awaiting_opt_in', 'opt_in');
    const ask = async () => {
      const messageId = await c.template('opt_in', {
        name: 'testigo_opt_in',
        params: [input.businessName, input.reference],
        actions: [ACTIONS.optInYes, ACTIONS.optInNo],
      });
      c.record('opt_in.requested', { channel: 'whatsapp', messageIds: [messageId], detail: { mode: 'whatsapp', template: 'testigo_opt_in' } });
      await c.publish();
    };
    await ask();
    const answer = await c.waitFor(
      (m) => {
        const action = actionOf(m, input.processId);
        return action === ACTIONS.optInYes || action === ACTIONS.optInNo ? { action, messageId: m.messageId } : undefined;
      },
      { reask: ask },
    );
    if (answer === undefined || typeof answer === 'symbol') throw new Error('unreachable');
    if (answer.action === ACTIONS.optInNo) {
      c.record('opt_in.declined', { channel: 'whatsapp', messageIds: [answer.messageId] });
      await c.say('closing', 'opt_in_declined');
      throw new ProcessEnded('rejected', 'opt_in_declined');
    }
    c.record('opt_in.accepted', { channel: 'whatsapp', messageIds: [answer.messageId] });
  }

  /**
   * The business collected consent itself (its evidence is recorded as given). WhatsApp still allows only
   * a template outside the 24-hour window, so a notice with *Continue* opens the conversation.
   */
  private async noticeForRecordedConsent(): Promise<void> {
    const c = this.conversation;
    const { input } = c;
    const recorded = input.optIn.recorded!;
    c.record('opt_in.recorded', { channel: 'api', detail: { collectedAt: recorded.collectedAt, source: recorded.source, text: recorded.text } });
    await c.begin('awaiting_review', 'review');
    const notify = async () => {
      const messageId = await c.template('notice', {
        name: 'testigo_documents_notice',
        params: [input.customer.name, input.businessName, input.reference],
        actions: [ACTIONS.continue],
      });
      c.record('opt_in.requested', { channel: 'whatsapp', messageIds: [messageId], detail: { mode: 'recorded', template: 'testigo_documents_notice' } });
      await c.publish();
    };
    await notify();
    await c.waitFor((m) => (actionOf(m, input.processId) === ACTIONS.continue ? true : undefined), { reask: notify });
  }

  /**
   * Point of sale: the customer scans the QR code and sends the prefilled message with the one-time
   * token. That message is the opt-in and opens the window; it must come from the process's number.
   * No reminder: nothing may be sent to a customer who has not written first.
   */
  private async awaitToken(): Promise<void> {
    const c = this.conversation;
    const { input } = c;
    await c.begin('awaiting_opt_in', 'opt_in');
    c.record('opt_in.requested', { channel: 'api', detail: { mode: 'click_to_chat' } });
    await c.publish();
    for (;;) {
      const message = await c.waitFor((m) => (m.optInToken ? m : undefined), { remind: false });
      if (typeof message === 'symbol') continue;
      if (message.from === input.customer.phone) {
        c.record('opt_in.accepted', { channel: 'whatsapp', messageIds: [message.messageId], detail: { mode: 'click_to_chat' } });
        return;
      }
      // Someone else's phone sent this process's token: refused, and told so (they just wrote, so the window is open).
      c.record('opt_in.token_refused', { channel: 'whatsapp', messageIds: [message.messageId] });
      await c.say('token_refused', 'token_refused', {}, [], { to: message.from });
      await c.publish();
    }
  }
}

// Step 3: acceptance of the conditions, *I accept* / *I reject*.
import { ACTIONS } from '../../shared/process';
import { actionOf, ProcessEnded, type Conversation } from './conversation';

export class AcceptanceStep {
  constructor(private readonly conversation: Conversation) {}

  async run(): Promise<void> {
    const c = this.conversation;
    const { input } = c;
    await c.begin('awaiting_acceptance', 'acceptance');
    const ask = async () => {
      const messageId = await c.say('acceptance_prompt', 'acceptance_prompt', {}, [ACTIONS.accept, ACTIONS.reject]);
      c.record('conditions.presented', { channel: 'whatsapp', messageIds: [messageId] });
      await c.publish();
    };
    await ask();
    const answer = await c.waitFor(
      (m) => {
        const action = actionOf(m, input.processId);
        return action === ACTIONS.accept || action === ACTIONS.reject ? { action, messageId: m.messageId } : undefined;
      },
      { reask: ask },
    );
    if (typeof answer === 'symbol') throw new Error('unreachable: no deadline given');
    if (answer.action === ACTIONS.reject) {
      c.record('conditions.rejected', { channel: 'whatsapp', messageIds: [answer.messageId] });
      await c.say('closing', 'conditions_rejected');
      throw new ProcessEnded('rejected', 'conditions_rejected');
    }
    c.record('conditions.accepted', { channel: 'whatsapp', messageIds: [answer.messageId] });
  }
}

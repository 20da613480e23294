// Step 2: the documents, each as a WhatsApp document, then *Received and reviewed* / *I didn't get them*
// (which sends them again, at most twice).
import { sendProcessDocument } from './activities';
import { ACTIONS } from '../../shared/process';
import { actionOf, ProcessEnded, type Conversation } from './conversation';

export const MAX_DOCUMENT_RESENDS = 2;

export class ReviewStep {
  constructor(private readonly conversation: Conversation) {}

  async run(): Promise<void> {
    const c = this.conversation;
    const { input } = c;
    await c.begin('awaiting_review', 'review');
    const prompt = async () => {
      await c.say('review_prompt', 'review_prompt', { count: input.documents.length }, [ACTIONS.reviewed, ACTIONS.notReceived]);
    };
    await this.sendDocuments(0);
    await prompt();
    await c.publish();
    for (let resends = 0; ;) {
      const answer = await c.waitFor(
        (m) => {
          const action = actionOf(m, input.processId);
          return action === ACTIONS.reviewed || action === ACTIONS.notReceived ? { action, messageId: m.messageId } : undefined;
        },
        { reask: prompt },
      );
      if (typeof answer === 'symbol') continue;
      if (answer.action === ACTIONS.reviewed) {
        c.record('documents.reviewed', { channel: 'whatsapp', messageIds: [answer.messageId], detail: { documents: input.documents.length } });
        return;
      }
      c.record('documents.not_received', { channel: 'whatsapp', messageIds: [answer.messageId], detail: { resends } });
      if (resends === MAX_DOCUMENT_RESENDS) {
        await c.say('closing', 'documents_not_received_final');
        throw new ProcessEnded('failed', 'documents_not_received');
      }
      resends++;
      await this.sendDocuments(resends);
      await c.say('documents_resent', 'documents_resent');
      await prompt();
      await c.publish();
    }
  }

  private async sendDocuments(round: number): Promise<void> {
    const c = this.conversation;
    const { input } = c;
    const messageIds: string[] = [];
    for (const document of input.documents) {
      c.checkpoint();
      const { messageId } = await c.send(() =>
        sendProcessDocument({ processId: input.processId, documentId: document.id, to: input.customer.phone, signed: false }),
      );
      c.sent(messageId, 'document');
      messageIds.push(messageId);
    }
    c.record('documents.sent', { channel: 'whatsapp', messageIds, detail: { round, documents: input.documents.map((d) => `${d.id}:${d.sha256}`).join(',') } });
  }
}

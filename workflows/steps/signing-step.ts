// Step 6: every document sealed (PAdES) and the signed PDFs delivered on WhatsApp. Sealing is idempotent
// per document (the activity keeps the first sealed copy), so a retry or a second worker never makes two.
import { sealProcessDocument, sendProcessDocument } from './activities';
import { ProcessEnded, type Conversation } from './conversation';

export class SigningStep {
  /** signed hashes by document id, for the state and the read model */
  readonly signed = new Map<string, string>();

  constructor(private readonly conversation: Conversation) {}

  async run(): Promise<void> {
    const c = this.conversation;
    const { input } = c;
    await c.begin('signing', 'signing');
    for (const document of input.documents) {
      c.checkpoint();
      let sealed;
      try {
        sealed = await sealProcessDocument({ processId: input.processId, documentId: document.id });
      } catch {
        throw new ProcessEnded('failed', 'sealing_failed');
      }
      this.signed.set(document.id, sealed.signedSha256);
      c.record('document.sealed', { detail: { documentId: document.id, sha256: document.sha256, signedSha256: sealed.signedSha256, level: sealed.level } });
      await c.publish();
    }
    c.checkpoint();
    await c.say('signed_intro', 'signed_intro');
    const messageIds: string[] = [];
    for (const document of input.documents) {
      const { messageId } = await c.send(() =>
        sendProcessDocument({ processId: input.processId, documentId: document.id, to: input.customer.phone, signed: true }),
      );
      c.sent(messageId, 'signed_document');
      messageIds.push(messageId);
    }
    c.record('signed_documents.delivered', { channel: 'whatsapp', messageIds, detail: { documents: input.documents.length } });
    await c.say('completed', 'completed');
  }
}

// Activities of the signing process: thin adapters from the workflow to messaging, custody, sealing and
// the read model. Every outbound message goes through the outbox (a retried activity never sends
// twice); documents travel as custody hashes, never inside Temporal payloads.
import { ApplicationFailure } from '@temporalio/activity';
import { buttonTitle, processText, type MessageParams, type ProcessMessageKey } from '../domain/process-messages';
import { presentProcess } from '../domain/process-view';
import { sealPdf } from '../sealing';
import { buttonPayload } from '../shared/messaging';
import type { Locale } from '../shared/otp';
import { processWorkflowId, type ProcessAction, type ProcessCallbackType, type ProcessReason, type ProcessState, type ProcessStatus } from '../shared/process';
import { openConversationWait } from '../messaging/conversation-wait';
import { deliverCallback } from './callbacks';
import type { ActivityDeps } from './deps';
import { sendWhatsAppMessage } from './messaging';

export interface SendProcessMessageInput {
  processId: string;
  to: string;
  locale: Locale;
  key: ProcessMessageKey;
  params: MessageParams;
  /** reply buttons, each carrying `<processId>:<action>` */
  actions: ProcessAction[];
}

export interface SendProcessDocumentInput {
  processId: string;
  documentId: string;
  to: string;
  /** the sealed copy (after signing) instead of the original */
  signed: boolean;
}

export interface ProcessCallbackInput {
  processId: string;
  tenantId: string;
  url: string;
  eventId: string;
  type: ProcessCallbackType;
  createdAt: string;
  status: ProcessStatus;
  reason: ProcessReason | null;
  version: number;
}

export function createProcessActivities(deps: ActivityDeps) {
  const { prisma, blobs, sealing } = deps;

  return {
    /** Idempotent and order-proof: a write carrying an older version than the stored one is a no-op. */
    async saveProcessState(input: ProcessState & { processId: string }): Promise<void> {
      await prisma.process.updateMany({
        where: { id: input.processId, version: { lt: input.version } },
        data: {
          status: input.status,
          reason: input.reason,
          step: input.step,
          events: input.events as object[],
          messages: input.messages as object[],
          otp: input.otp as object,
          version: input.version,
          ...(input.status === 'completed' ? { completedAt: new Date() } : {}),
        },
      });
    },

    async sendProcessMessage(input: SendProcessMessageInput): Promise<{ messageId: string }> {
      const body = processText(input.locale, input.key, input.params);
      const message = input.actions.length
        ? {
            kind: 'buttons' as const,
            body,
            buttons: input.actions.map((action) => ({ id: buttonPayload(input.processId, action), title: buttonTitle(input.locale, action) })),
          }
        : { kind: 'text' as const, body };
      const { messageId } = await sendWhatsAppMessage(deps, { to: input.to, message, options: { correlationId: input.processId } });
      return { messageId };
    },

    /** Uploads the document (original or sealed) from custody and sends it as a WhatsApp document. */
    async sendProcessDocument(input: SendProcessDocumentInput): Promise<{ messageId: string; sha256: string }> {
      const document = await prisma.processDocument.findUniqueOrThrow({ where: { id: input.documentId } });
      const sha256 = input.signed ? document.signedSha256 : document.sha256;
      if (!sha256) throw ApplicationFailure.nonRetryable(`document ${document.id} is not sealed yet`, 'DocumentNotSealed');
      const filename = input.signed ? document.name.replace(/\.pdf$/i, '') + '.signed.pdf' : document.name;
      const { messageId } = await sendWhatsAppMessage(deps, {
        to: input.to,
        message: {
          kind: 'document',
          filename,
          media: async () => deps.whatsapp.uploadMedia(await blobs.get(sha256), 'application/pdf', filename),
        },
        options: { correlationId: input.processId },
      });
      return { messageId, sha256 };
    },

    /**
     * Seals one document (PAdES B-B, B-T with a TSA). The first sealed copy recorded wins: a retry, or a
     * second worker racing this one, returns it instead of making another.
     */
    async sealProcessDocument(input: { processId: string; documentId: string }): Promise<{ signedSha256: string; level: 'B-B' | 'B-T' }> {
      const level = sealing.tsaUrl ? 'B-T' : 'B-B';
      const document = await prisma.processDocument.findUniqueOrThrow({
        where: { id: input.documentId },
        include: { process: { select: { reference: true } } },
      });
      if (document.signedSha256) return { signedSha256: document.signedSha256, level };
      const identity = await sealing.identity();
      const signed = await sealPdf(await blobs.get(document.sha256), {
        identity,
        reason: `Signed by the customer in Testigo process ${input.processId} (${document.process.reference})`,
        location: 'Testigo',
        name: identity.subject.split('\n')[0]?.replace(/^CN=/, ''),
        tsaUrl: sealing.tsaUrl,
      });
      const stored = await blobs.put(signed);
      await prisma.processDocument.updateMany({
        where: { id: document.id, signedSha256: null },
        data: { signedSha256: stored.sha256, signedSize: stored.size, sealedAt: new Date() },
      });
      const winner = await prisma.processDocument.findUniqueOrThrow({ where: { id: document.id } });
      return { signedSha256: winner.signedSha256!, level };
    },

    /** Free text from this customer goes to this process now (as a keyed hash for `otp`, in clear for `text`). */
    async setConversationWait(input: { processId: string; phone: string; expects: 'otp' | 'text' }): Promise<void> {
      await openConversationWait(prisma, {
        workflowId: processWorkflowId(input.processId),
        subjectId: input.processId,
        phone: input.phone,
        expects: input.expects,
      });
    },

    async clearConversationWait(input: { processId: string }): Promise<void> {
      await prisma.conversationWait.deleteMany({ where: { workflowId: processWorkflowId(input.processId) } });
    },

    async deliverProcessCallback(input: ProcessCallbackInput): Promise<{ status: number }> {
      const row = await prisma.process.findUniqueOrThrow({
        where: { id: input.processId },
        include: { documents: { orderBy: { position: 'asc' } }, evidence: true },
      });
      // The status the event announces, even if the process moved on before this delivery.
      const data = { ...presentProcess(row), status: input.status, reason: input.reason };
      return deliverCallback(deps, {
        tenantId: input.tenantId,
        url: input.url,
        body: { id: input.eventId, type: input.type, createdAt: input.createdAt, data },
      });
    },
  };
}

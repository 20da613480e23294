// Issues a finished process's evidence and puts it in custody: the exported history, the evidence built
// from the recorded state and fingerprinted history, its JWS, and the sealed certificate — content-
// addressed files plus one row of hashes, written once. A retry (or a second worker) finds the row and
// returns it; nothing is issued twice.
import { exportHistory } from '../custody/history-export';
import { buildEvidence, canonicalBytes, historyFingerprint, issuerOf, signEvidence, type Evidence } from '../evidence';
import { certificateViewOf } from '../evidence/certificate/gather';
import { renderCertificateInThread } from '../evidence/certificate/render-in-thread';
import type { TemplateTexts } from '../evidence/from-process';
import type { ShownTemplate } from '../evidence/model';
import { withTimestamp, timestampImprint } from '../evidence/timestamp';
import { PROCESS_TEMPLATES, TEMPLATE_BODY_PARAMETERS, templateDefinition, quickReplyTexts, type ProcessTemplate } from '../messaging/templates/definitions';
import { requestTimestamp, sealPdf } from '../sealing';
import type { Locale } from '../shared/otp';
import {
  processWorkflowId,
  type ProcessDocumentRef,
  type ProcessEvent,
  type ProcessInput,
  type ProcessMessage,
  type ProcessReason,
  type ProcessStatus,
} from '../shared/process';
import type { ActivityDeps } from './deps';

export interface IssuedEvidence {
  certificateSha256: string;
  evidenceSha256: string;
  chainHead: string;
  issuedAt: string;
}

export function createEvidenceActivities(deps: ActivityDeps) {
  const { prisma, blobs, sealing } = deps;

  return {
    async issueEvidence(input: { processId: string }): Promise<IssuedEvidence> {
      const existing = await prisma.evidenceBundle.findUnique({ where: { processId: input.processId } });
      if (existing) return bundleResult(existing);

      const process = await prisma.process.findUniqueOrThrow({
        where: { id: input.processId },
        include: { documents: { orderBy: { position: 'asc' } }, tenant: true },
      });
      const workflowId = processWorkflowId(process.id);
      const history = await exportHistory(deps.temporal, workflowId, deps.codec);
      const identity = await sealing.identity();
      const businessName = (process.tenant.settings as { brand?: string }).brand ?? process.tenant.name;
      // The values the workflow put into its templates are those it was started with (the history's first event);
      // the read model's copy is the fallback.
      const started = startedInput(history.bytes);
      const texts = templateTexts({
        locale: started?.customer?.locale ?? process.locale,
        businessName: started?.businessName ?? businessName,
        reference: started?.reference ?? process.reference,
        customerName: started?.customer?.name ?? process.customerName,
      });
      const documents: ProcessDocumentRef[] = process.documents.map((d) => ({ id: d.id, name: d.name, sha256: d.sha256, size: d.size, pages: d.pages }));
      let evidence: Evidence = buildEvidence({
        process: { id: process.id, reference: process.reference, createdAt: process.createdAt.toISOString() },
        parties: {
          business: { tenantId: process.tenantId, name: businessName },
          customer: {
            name: process.customerName,
            phone: process.customerPhone,
            identification: (process.identification ?? null) as Evidence['parties']['customer']['identification'],
            channel: process.channel as 'online' | 'in_person',
          },
        },
        documents,
        state: {
          status: process.status as ProcessStatus,
          reason: (process.reason ?? null) as ProcessReason | null,
          events: process.events as unknown as ProcessEvent[],
          messages: process.messages as unknown as ProcessMessage[],
          documents: process.documents.map((d) => ({ id: d.id, signedSha256: d.signedSha256 })),
        },
        history: historyFingerprint(history.bytes, { workflowId, runId: history.runId }),
        issuer: issuerOf(identity.certificate),
        issuedAt: new Date().toISOString(),
        templates: texts,
      });
      let timestampToken: Uint8Array | undefined;
      if (sealing.tsaUrl) {
        // RFC 3161 over the chain head (model.ts, EvidenceTimestamp), inside the evidence so the JWS covers it. A TSA
        // that fails fails the activity: it is retried, and evidence is never issued with a time nobody vouched for.
        timestampToken = await requestTimestamp(sealing.tsaUrl, timestampImprint(evidence.events.at(-1)!.hash));
        evidence = withTimestamp(evidence, timestampToken, new Date().toISOString());
      }
      const { issuedAt } = evidence;
      const evidenceBytes = canonicalBytes(evidence);
      const jws = await signEvidence(evidence, { privateKey: identity.privateKey, certificateChainDer: [identity.certificate, ...identity.chain] });
      const view = certificateViewOf(evidence, {
        locale: process.locale as Locale,
        timeZone: 'Europe/Madrid',
        verificationUrl: `${deps.publicBaseUrl}/verify/${process.id}`,
      });
      const rendered = await renderCertificateInThread(view, [
        { name: 'evidence.json', description: 'Evidence (RFC 8785 canonical JSON)', mimeType: 'application/json', bytes: evidenceBytes },
        { name: 'evidence.jws', description: 'Evidence signature (compact JWS, ES256)', mimeType: 'application/jose', bytes: Buffer.from(jws) },
        // the same token as evidence.json's timestamp.timeStampToken, as a file `openssl ts -verify -token_in` reads
        ...(timestampToken
          ? [{ name: 'timestamp.tst', description: 'RFC 3161 time-stamp token over the chain head', mimeType: 'application/pkcs7-mime', bytes: timestampToken }]
          : []),
      ]);
      const certificate = await sealPdf(rendered, {
        identity,
        reason: `Evidence certificate of Testigo process ${process.id} (${process.reference})`,
        location: 'Testigo',
        tsaUrl: sealing.tsaUrl,
      });
      const [historyBlob, evidenceBlob, jwsBlob, certificateBlob] = await Promise.all([
        blobs.put(history.bytes),
        blobs.put(evidenceBytes),
        blobs.put(Buffer.from(jws)),
        blobs.put(certificate),
      ]);
      const chainHead = evidence.events.at(-1)?.hash ?? '';
      // Written once: a concurrent issuer that got here first wins, and its bundle is the one returned.
      await prisma.evidenceBundle.createMany({
        data: [
          {
            processId: process.id,
            historySha256: historyBlob.sha256,
            historyEventCount: history.eventCount,
            workflowId,
            runId: history.runId,
            evidenceSha256: evidenceBlob.sha256,
            jwsSha256: jwsBlob.sha256,
            certificateSha256: certificateBlob.sha256,
            chainHead,
            issuedAt: new Date(issuedAt),
          },
        ],
        skipDuplicates: true,
      });
      return bundleResult(await prisma.evidenceBundle.findUniqueOrThrow({ where: { processId: process.id } }));
    },
  };
}

/** The workflow's input as the exported history records it (WorkflowExecutionStarted, decoded), if readable. */
function startedInput(historyBytes: Uint8Array): Partial<ProcessInput> | undefined {
  try {
    const history = JSON.parse(Buffer.from(historyBytes).toString('utf8')) as {
      events?: Array<{ workflowExecutionStartedEventAttributes?: { input?: { payloads?: Array<{ value?: unknown }> } } }>;
    };
    const value = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.value;
    return value && typeof value === 'object' ? (value as Partial<ProcessInput>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The process's templates as its customer saw them: the shipped definition (what `npm run templates -- register`
 * submitted to Meta and `status` checks is what Meta approved) in the customer's language, with the values the
 * workflow sends in TEMPLATE_BODY_PARAMETERS order.
 */
export function templateTexts(values: { locale: string; businessName: string; reference: string; customerName: string }): TemplateTexts {
  const byParameter: Record<string, string> = { businessName: values.businessName, reference: values.reference, customerName: values.customerName };
  return (name) => {
    const key = (Object.keys(PROCESS_TEMPLATES) as ProcessTemplate[]).find((k) => PROCESS_TEMPLATES[k] === name);
    const definition = templateDefinition(name, values.locale);
    // never the authentication template: its only value is a code
    if (!key || key === 'otp' || !definition) return null;
    const body = definition.components.find((c) => c.type === 'BODY');
    const footer = definition.components.find((c) => c.type === 'FOOTER');
    const parameters = TEMPLATE_BODY_PARAMETERS[key];
    const shown: ShownTemplate = {
      language: definition.language,
      text: body && 'text' in body ? body.text.replace(/\{\{(\d+)\}\}/g, (_, n: string) => byParameter[parameters[Number(n) - 1]] ?? '') : null,
      footer: footer && 'text' in footer ? footer.text : null,
      buttons: quickReplyTexts(definition),
    };
    return shown;
  };
}

function bundleResult(row: { certificateSha256: string; evidenceSha256: string; chainHead: string; issuedAt: Date }): IssuedEvidence {
  return { certificateSha256: row.certificateSha256, evidenceSha256: row.evidenceSha256, chainHead: row.chainHead, issuedAt: row.issuedAt.toISOString() };
}

// Application service behind /v1/processes: checks what schemas cannot (document contents, durations,
// template approval), stores documents in custody, writes the read model and starts the workflow —
// nothing is stored or started when any of it fails. Reads come from the read model, changes go
// through Temporal.
import { randomBytes } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { BlobStore } from '../custody/blob-store';
import { clickToChatLink, newOptInToken, optInTokenHash, qrCode } from '../documents/click-to-chat';
import { inspectPdf, PdfRejected } from '../documents/inspect-pdf';
import { MAX_DOCUMENT_BYTES, safeDocumentName } from '../documents/limits';
import { parseDuration } from '../shared/duration';
import { maskPhone } from '../domain/phone';
import { presentProcess, type ProcessView } from '../domain/process-view';
import type { TenantContext } from '../domain/tenants';
import { requiredTemplates } from '../messaging/templates/definitions';
import type { Keys } from '../platform/keys';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import type { Locale, OtpChannel } from '../shared/otp';
import {
  cancelProcessUpdate,
  isTerminalProcessStatus,
  PROCESS_WORKFLOW,
  processWorkflowId,
  type ExtraValidation,
  type OptInMode,
  type ProcessDocumentRef,
  type ProcessInput,
  type ProcessStatus,
} from '../shared/process';
import { CHANNEL, PHONE, REFERENCE, STATUS, TENANT } from '../shared/search-attributes';
import { HttpProblem, invalidFields, type FieldError } from './problem';
import { isClosedOrRejected, runUpdate } from './workflow-updates';

/** A request to start a process, validated by the API schema; documents already decoded. */
export interface CreateProcessRequest {
  reference: string;
  customer: { phone: string; name: string; locale?: Locale; identification?: { level: 'identified' | 'onboarding'; reference?: string } };
  channel?: 'online' | 'in_person';
  optIn: { mode: OptInMode; collectedAt?: string; source?: string; text?: string };
  documents: Array<{ name: string; content: Uint8Array; field: string }>;
  otp?: { channel?: OtpChannel; codeLength?: number; maxAttempts?: number; maxNewCodes?: number };
  extraValidations?: ExtraValidation[];
  timeouts?: { step?: string; process?: string; otp?: string; reminder?: string };
  callbackUrl?: string;
}

export interface ProcessListQuery {
  status?: ProcessStatus;
  reference?: string;
  createdFrom?: string;
  createdTo?: string;
  limit?: number;
  cursor?: string;
}

/** The point-of-sale opt-in: shown once, at creation (only the token's keyed hash is kept). */
export interface ClickToChat {
  link: string;
  qr: { png: string; svg: string };
}

export interface TemplateCheck {
  missing(required: Array<{ name: string; language: string }>): Promise<Array<{ name: string; language: string; status: string }>>;
}

export interface ProcessServiceDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  keys: Keys;
  blobs: BlobStore;
  templates: TemplateCheck;
  /** the business's WhatsApp number (E.164) customers write to in click-to-chat */
  businessNumber: string;
}

const DEFAULTS = { step: '72h', process: '7d', otp: '10m', reminder: '24h' } as const;
/** bounds that keep a process meaningful (seconds are allowed so demos and tests need not wait hours) */
const DURATION_BOUNDS: Record<keyof typeof DEFAULTS, [number, number]> = {
  step: [10_000, 30 * 86_400_000],
  process: [10_000, 90 * 86_400_000],
  otp: [30_000, 3_600_000],
  reminder: [5_000, 30 * 86_400_000],
};

const FILE_TOO_LARGE = (field: string) =>
  new HttpProblem(413, 'document-too-large', 'Payload Too Large', `${field}: a document may be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB.`, {
    errors: [{ path: field, in: 'body', message: 'larger than 20 MB' }],
  });

export class ProcessService {
  constructor(private readonly deps: ProcessServiceDeps) {}

  async create(tenant: TenantContext, request: CreateProcessRequest): Promise<ProcessView> {
    const { id: tenantId, settings } = tenant;
    const { prisma, temporal, taskQueue, keys, blobs } = this.deps;
    const errors: FieldError[] = [];
    const timeouts = this.durations(request.timeouts ?? {}, errors);
    const channel = request.channel ?? (request.optIn.mode === 'click_to_chat' ? 'in_person' : 'online');
    if (request.optIn.mode === 'click_to_chat' && channel !== 'in_person')
      errors.push({ path: '/channel', in: 'body', message: 'click_to_chat is the point-of-sale opt-in: channel must be in_person' });
    if (request.optIn.mode === 'recorded') {
      for (const field of ['collectedAt', 'source', 'text'] as const)
        if (!request.optIn[field]) errors.push({ path: `/optIn/${field}`, in: 'body', message: 'required when optIn.mode is recorded' });
      if (request.optIn.collectedAt && Date.parse(request.optIn.collectedAt) > Date.now() + 60_000)
        errors.push({ path: '/optIn/collectedAt', in: 'body', message: 'is in the future' });
    }
    for (const document of request.documents) if (document.content.byteLength > MAX_DOCUMENT_BYTES) throw FILE_TOO_LARGE(document.field);
    const inspected = await Promise.all(
      request.documents.map(async (document) => {
        try {
          return await inspectPdf(document.content);
        } catch (error) {
          if (!(error instanceof PdfRejected)) throw error;
          if (error.reason === 'too_large') throw FILE_TOO_LARGE(document.field);
          errors.push({ path: document.field, in: 'body', message: `${error.reason}: ${error.message}` });
          return undefined;
        }
      }),
    );
    if (errors.length) throw invalidFields(errors);

    const locale = request.customer.locale ?? settings.defaultLocale ?? 'es';
    const otpChannel = request.otp?.channel ?? 'sms';
    const missing = await this.deps.templates.missing(requiredTemplates({ optInMode: request.optIn.mode, otpChannel, locale }));
    if (missing.length) {
      const names = missing.map((t) => `${t.name} (${t.language}): ${t.status}`).join(', ');
      throw new HttpProblem(
        422,
        'template-not-approved',
        'Unprocessable Content',
        `WhatsApp has not approved the templates this process needs: ${names}. Register them with \`npm run templates -- register\` and wait for Meta's review.`,
        { templates: missing },
      );
    }

    const id = `prc_${randomBytes(15).toString('base64url')}`;
    const documents: ProcessDocumentRef[] = request.documents.map((document, i) => ({
      id: `doc_${randomBytes(12).toString('base64url')}`,
      name: safeDocumentName(document.name),
      sha256: inspected[i]!.sha256,
      size: inspected[i]!.size,
      pages: inspected[i]!.pages,
    }));
    const token = request.optIn.mode === 'click_to_chat' ? newOptInToken() : undefined;
    const input: ProcessInput = {
      processId: id,
      tenantId,
      reference: request.reference,
      businessName: settings.brand ?? tenant.name,
      customer: { phone: request.customer.phone, name: request.customer.name, locale },
      channel,
      optIn: {
        mode: request.optIn.mode,
        ...(request.optIn.mode === 'recorded'
          ? { recorded: { collectedAt: request.optIn.collectedAt!, source: request.optIn.source!, text: request.optIn.text! } }
          : {}),
      },
      documents,
      otp: {
        channel: otpChannel,
        codeLength: request.otp?.codeLength ?? 6,
        maxAttempts: request.otp?.maxAttempts ?? 5,
        ttlSeconds: timeouts.otp / 1000,
        maxNewCodes: request.otp?.maxNewCodes ?? 3,
        fallbackAfterSeconds: 30,
      },
      extraValidations: request.extraValidations ?? [],
      timeouts: { stepMs: timeouts.step, processMs: timeouts.process, reminderMs: timeouts.reminder },
      callbackUrl: request.callbackUrl,
    };

    // Documents first (content-addressed: a failed creation leaves only unreferenced blobs), then the
    // read model, then the workflow; a workflow that cannot start takes the rows back with it.
    await Promise.all(request.documents.map((document) => blobs.put(document.content)));
    const row = await prisma.process.create({
      data: {
        id,
        tenantId,
        workflowId: processWorkflowId(id),
        reference: input.reference,
        status: input.optIn.mode === 'recorded' ? 'awaiting_review' : 'awaiting_opt_in',
        step: input.optIn.mode === 'recorded' ? 'review' : 'opt_in',
        customerPhone: input.customer.phone,
        customerName: input.customer.name,
        locale,
        identification: (request.customer.identification ?? undefined) as unknown as Prisma.InputJsonValue,
        channel,
        optInMode: input.optIn.mode,
        optInRecord: (input.optIn.recorded ?? undefined) as unknown as Prisma.InputJsonValue,
        settings: {
          otp: input.otp,
          extraValidations: input.extraValidations.map((v) => v.type),
          timeouts: { step: timeouts.step, process: timeouts.process, otp: timeouts.otp, reminder: timeouts.reminder },
        },
        callbackUrl: input.callbackUrl ?? null,
        documents: { create: documents.map((d, position) => ({ id: d.id, position, name: d.name, sha256: d.sha256, size: d.size, pages: d.pages })) },
        ...(token ? { optInTokens: { create: { tokenHash: optInTokenHash(keys.otpHash, token) } } } : {}),
      },
      include: { documents: true },
    });
    try {
      await temporal.workflow.start(PROCESS_WORKFLOW, {
        workflowId: processWorkflowId(id),
        taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // The workflow ends itself at expiry (plus callback retries); this bound only guards a stuck run.
        workflowExecutionTimeout: `${Math.ceil(timeouts.process / 1000) + 3 * 86_400}s`,
        staticSummary: `Signing process ${input.reference}`,
        staticDetails: `Tenant ${tenantId}, ${documents.length} document(s), opt-in ${input.optIn.mode}, OTP by ${otpChannel}, customer ${maskPhone(input.customer.phone)}`,
        typedSearchAttributes: [
          { key: TENANT, value: tenantId },
          { key: STATUS, value: row.status },
          { key: PHONE, value: maskPhone(input.customer.phone) },
          { key: CHANNEL, value: channel },
          { key: REFERENCE, value: input.reference },
        ],
      });
    } catch (error) {
      await prisma.process.delete({ where: { id } }).catch(() => undefined);
      throw new HttpProblem(503, 'temporal-unavailable', 'Service Unavailable', `Could not start the process: ${(error as Error).message}`);
    }
    const view = presentProcess(row);
    if (!token) return view;
    const link = clickToChatLink({ businessNumber: this.deps.businessNumber, locale, businessName: input.businessName, token });
    const qr = await qrCode(link);
    return { ...view, optIn: { mode: 'click_to_chat', link, qr: { png: `data:image/png;base64,${Buffer.from(qr.png).toString('base64')}`, svg: qr.svg } } };
  }

  async get(tenantId: string, id: string): Promise<ProcessView> {
    return presentProcess(await this.find(tenantId, id));
  }

  /** Newest first, cursor-paginated (the cursor names the last row seen: createdAt and id). */
  async list(tenantId: string, query: ProcessListQuery): Promise<{ items: ProcessView[]; nextCursor: string | null }> {
    const limit = query.limit ?? 20;
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const where: Prisma.ProcessWhereInput = {
      tenantId,
      ...(query.status ? { status: query.status } : {}),
      ...(query.reference ? { reference: query.reference } : {}),
      ...(query.createdFrom || query.createdTo
        ? { createdAt: { ...(query.createdFrom ? { gte: new Date(query.createdFrom) } : {}), ...(query.createdTo ? { lt: new Date(query.createdTo) } : {}) } }
        : {}),
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    };
    const rows = await this.deps.prisma.process.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      include: { documents: true, evidence: true },
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(presentProcess), nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  /** Cancels at any step; 409 once the process has ended. Answers when the workflow has ended it. */
  async cancel(tenantId: string, id: string): Promise<ProcessView> {
    const row = await this.find(tenantId, id);
    if (isTerminalProcessStatus(row.status)) throw notCancelable(row.status);
    try {
      await runUpdate(this.deps.temporal, row.workflowId, (handle, updateId) => handle.executeUpdate(cancelProcessUpdate, { args: [{}], updateId }), 'process');
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError || isClosedOrRejected(error)) throw notCancelable((await this.find(tenantId, id)).status);
      throw error;
    }
    return this.get(tenantId, id);
  }

  /** The original or the sealed copy of one of the process's documents, from custody. */
  async document(tenantId: string, id: string, documentId: string, signed: boolean): Promise<{ name: string; bytes: Uint8Array }> {
    const row = await this.find(tenantId, id);
    const document = row.documents.find((d) => d.id === documentId);
    if (!document) throw new HttpProblem(404, 'not-found', 'Not Found', `No document ${documentId} in process ${id}.`);
    if (signed && !document.signedSha256)
      throw new HttpProblem(404, 'not-signed-yet', 'Not Found', `Document ${documentId} is not sealed yet (the process is ${row.status}).`, {
        processStatus: row.status,
      });
    const bytes = await this.deps.blobs.get(signed ? document.signedSha256! : document.sha256);
    return { name: signed ? document.name.replace(/\.pdf$/i, '') + '.signed.pdf' : document.name, bytes };
  }

  /** The sealed evidence certificate (application/pdf), once issued. */
  async certificate(tenantId: string, id: string): Promise<Uint8Array> {
    const bundle = await this.bundle(tenantId, id);
    return this.deps.blobs.get(bundle.certificateSha256);
  }

  /** The evidence (canonical JSON as stored) and its JWS. */
  async evidence(tenantId: string, id: string): Promise<{ evidence: unknown; jws: string }> {
    const bundle = await this.bundle(tenantId, id);
    const [evidence, jws] = await Promise.all([this.deps.blobs.get(bundle.evidenceSha256), this.deps.blobs.get(bundle.jwsSha256)]);
    return { evidence: JSON.parse(Buffer.from(evidence).toString('utf8')), jws: Buffer.from(jws).toString('utf8') };
  }

  private async bundle(tenantId: string, id: string) {
    const row = await this.find(tenantId, id);
    if (!row.evidence)
      throw new HttpProblem(
        404,
        'no-certificate-yet',
        'Not Found',
        `Process ${id} has no certificate (it is issued at completion; the process is ${row.status}).`,
        { processStatus: row.status },
      );
    return row.evidence;
  }

  private async find(tenantId: string, id: string) {
    const row = await this.deps.prisma.process.findUnique({ where: { id }, include: { documents: { orderBy: { position: 'asc' } }, evidence: true } });
    // Another tenant's process is indistinguishable from a missing one.
    if (!row || row.tenantId !== tenantId) throw new HttpProblem(404, 'not-found', 'Not Found', `No process ${id}.`);
    return row;
  }

  private durations(given: NonNullable<CreateProcessRequest['timeouts']>, errors: FieldError[]): Record<keyof typeof DEFAULTS, number> {
    const result = {} as Record<keyof typeof DEFAULTS, number>;
    for (const key of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) {
      const text = given[key] ?? DEFAULTS[key];
      const ms = parseDuration(text);
      const [min, max] = DURATION_BOUNDS[key];
      if (ms === undefined)
        errors.push({ path: `/timeouts/${key}`, in: 'body', message: `"${text}" is not a duration: use a whole number and one unit, e.g. 30s, 10m, 72h, 7d` });
      else if (ms < min || ms > max)
        errors.push({ path: `/timeouts/${key}`, in: 'body', message: `must be between ${min / 1000} s and ${max / 86_400_000} days` });
      result[key] = ms ?? 0;
    }
    return result;
  }
}

function notCancelable(status: string): HttpProblem {
  return new HttpProblem(409, 'process-ended', 'Conflict', `The process is ${status}.`, { processStatus: status });
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) throw invalidFields([{ path: 'cursor', in: 'querystring', message: 'not a cursor this API returned' }]);
  return { createdAt, id };
}

// Application service behind the verification routes: the database read model for reads and
// tenant scoping, Temporal for everything that changes a verification.
import { randomBytes } from 'node:crypto';
import { isGrpcServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { hashCode } from '../domain/otp-code';
import { maskPhone } from '../domain/phone';
import type { Keys } from '../platform/keys';
import type { PrismaClient, Verification } from '../prisma/generated/client';
import type { OtpCheckResult, OtpSend, OtpStatus } from '../shared/otp';
import { CHANNEL, PHONE, STATUS, TENANT } from '../shared/search-attributes';
import { checkUpdate, VERIFICATION_WORKFLOW, verificationWorkflowId, type VerificationInput } from '../shared/verification';
import type { CreateVerificationBody, VerificationResponse } from './schemas/verifications';
import { HttpProblem } from './problem';

export interface VerificationServiceDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  keys: Keys;
}

/** How long an API call waits for the workflow to answer an update before giving up with a 503. */
const UPDATE_TIMEOUT_MS = 10_000;
/** gRPC NOT_FOUND: the workflow closed while the update was in flight. */
const GRPC_NOT_FOUND = 5;

export class VerificationService {
  constructor(private readonly deps: VerificationServiceDeps) {}

  async create(tenantId: string, body: CreateVerificationBody): Promise<VerificationResponse> {
    const { prisma, temporal, taskQueue } = this.deps;
    const id = `ver_${randomBytes(15).toString('base64url')}`;
    const ttlSeconds = body.ttlSeconds ?? 600;
    const input: VerificationInput = {
      verificationId: id,
      tenantId,
      to: body.to,
      channel: body.channel,
      locale: body.locale ?? 'es',
      brand: body.brand,
      purpose: body.purpose,
      codeLength: body.codeLength ?? 6,
      maxAttempts: body.maxAttempts ?? 5,
      fallback: body.channel === 'whatsapp' ? (body.fallback ?? 'sms') : 'none',
      fallbackAfterSeconds: body.fallbackAfterSeconds ?? 30,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
    };
    // The read model row exists before the workflow, so its first projection has a row to update.
    const row = await prisma.verification.create({
      data: {
        id,
        tenantId,
        workflowId: verificationWorkflowId(id),
        to: input.to,
        channel: input.channel,
        purpose: input.purpose ?? null,
        locale: input.locale,
        brand: input.brand ?? null,
        codeLength: input.codeLength,
        ttlSeconds,
        maxAttempts: input.maxAttempts,
        fallback: input.fallback,
        fallbackAfterSeconds: input.fallbackAfterSeconds,
        attemptsRemaining: input.maxAttempts,
        status: 'pending',
        expiresAt: new Date(input.expiresAt),
      },
    });
    try {
      await temporal.workflow.start(VERIFICATION_WORKFLOW, {
        workflowId: verificationWorkflowId(id),
        taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // The workflow ends itself at expiry; this bound only guards against a stuck run.
        workflowExecutionTimeout: `${ttlSeconds + 3600}s`,
        typedSearchAttributes: [
          { key: TENANT, value: tenantId },
          { key: STATUS, value: 'pending' },
          { key: PHONE, value: maskPhone(input.to) },
          { key: CHANNEL, value: input.channel },
        ],
      });
    } catch (error) {
      await prisma.verification.delete({ where: { id } }).catch(() => undefined);
      throw new HttpProblem(503, 'temporal-unavailable', 'Service Unavailable', `Could not start the verification: ${(error as Error).message}`);
    }
    return present(row);
  }

  async get(tenantId: string, id: string): Promise<VerificationResponse> {
    return present(await this.find(tenantId, id));
  }

  /**
   * A check always says why: on a verification that is no longer pending it answers from the read
   * model ({valid:false, status}) instead of hiding the reason behind a 404.
   */
  async check(tenantId: string, id: string, code: string, idempotencyKey?: string): Promise<OtpCheckResult> {
    const row = await this.find(tenantId, id);
    if (row.status !== 'pending') return closedAnswer(row);
    const attemptHash = hashCode(this.deps.keys.otpHash, id, code);
    const handle = this.deps.temporal.workflow.getHandle(row.workflowId);
    try {
      return await this.deps.temporal.withAbortSignal(AbortSignal.timeout(UPDATE_TIMEOUT_MS), () =>
        handle.executeUpdate(checkUpdate, {
          args: [{ attemptHash }],
          // The same Idempotency-Key maps to the same update id: Temporal answers a retry with the first result.
          ...(idempotencyKey ? { updateId: `check:${idempotencyKey}` } : {}),
        }),
      );
    } catch (error) {
      if (isClosedOrRejected(error)) return closedAnswer(await this.find(tenantId, id));
      throw new HttpProblem(503, 'temporal-unavailable', 'Service Unavailable', 'The verification did not answer in time; retry the check.');
    }
  }

  private async find(tenantId: string, id: string): Promise<Verification> {
    const row = await this.deps.prisma.verification.findUnique({ where: { id } });
    // Another tenant's verification is indistinguishable from a missing one.
    if (!row || row.tenantId !== tenantId) throw new HttpProblem(404, 'not-found', 'Not Found', `No verification ${id}.`);
    return row;
  }
}

function closedAnswer(row: Verification): OtpCheckResult {
  return { valid: false, status: row.status as OtpStatus, attemptsRemaining: row.attemptsRemaining };
}

function isClosedOrRejected(error: unknown): boolean {
  if (error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError) return true;
  const cause = (error as { cause?: unknown }).cause;
  return [error, cause].some((e) => isGrpcServiceError(e) && e.code === GRPC_NOT_FOUND);
}

export function present(row: Verification): VerificationResponse {
  return {
    id: row.id,
    status: row.status as OtpStatus,
    to: maskPhone(row.to),
    channel: row.channel,
    purpose: row.purpose,
    locale: row.locale,
    codeLength: row.codeLength,
    maxAttempts: row.maxAttempts,
    fallback: row.fallback as 'sms' | 'none',
    attemptsRemaining: row.attemptsRemaining,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    sends: (row.sends as unknown as OtpSend[]).map(({ channel, at, status, error }) => ({ channel, at, status, ...(error !== undefined ? { error } : {}) })),
  };
}

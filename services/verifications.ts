// Application service behind the verification routes: the database read model for reads and
// tenant scoping, Temporal for everything that changes a verification.
import { randomBytes } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { LRUCache } from 'lru-cache';
import { hashCode } from '../domain/otp-code';
import { maskPhone } from '../domain/phone';
import { releaseSendSlot, takeSendSlot } from '../domain/send-limit';
import type { TenantContext } from '../domain/tenants';
import { saveVerificationProjection } from '../domain/verification-projection';
import { deliveriesOf, present, type VerificationView } from '../domain/verification-view';
import type { Keys } from '../platform/keys';
import { Prisma, type PrismaClient, type Verification } from '../prisma/generated/client';
import { RESEND_COOLDOWN_SECONDS, type Locale, type OtpChannel, type OtpCheckResult, type OtpFallback, type OtpStatus } from '../shared/otp';
import { CHANNEL, PHONE, STATUS, TENANT } from '../shared/search-attributes';
import {
  cancelUpdate,
  checkUpdate,
  RESEND_COOLDOWN_FAILURE,
  resendUpdate,
  stateQuery,
  VERIFICATION_WORKFLOW,
  verificationWorkflowId,
  type VerificationInput,
} from '../shared/verification';
import { HttpProblem } from './problem';
import { isClosedOrRejected, runUpdate } from './workflow-updates';

/** A request to start a verification, already validated (api/schemas/verifications.ts publishes its schema; defaults are applied here). */
export interface CreateVerificationRequest {
  to: string;
  channel: OtpChannel;
  fallback?: OtpFallback;
  fallbackAfterSeconds?: number;
  purpose?: string;
  locale?: Locale;
  brand?: string;
  codeLength?: number;
  ttlSeconds?: number;
  maxAttempts?: number;
  callbackUrl?: string;
}

export interface VerificationServiceDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  keys: Keys;
}

function tooManySends(retryAfterSeconds: number, phone: string): HttpProblem {
  return new HttpProblem(
    429,
    'send-limit',
    'Too Many Requests',
    `At most 5 codes per phone number every 10 minutes: ${maskPhone(phone)} can get another in ${retryAfterSeconds} s.`,
    { retryAfterSeconds },
  );
}

/** Who owns a verification and which workflow runs it: fixed at creation, so safe to remember. */
interface Owner {
  tenantId: string;
  workflowId: string;
}

/** Owners an API process remembers (~150 bytes each): the verifications being checked now, not all of them. */
const OWNERS_REMEMBERED = 20_000;

export class VerificationService {
  /**
   * A check needs the verification's owner (tenant scoping) and workflow before it may reach Temporal; both are fixed
   * at creation, so this process remembers them and a check on a known verification skips reading its row (one
   * statement, ~3 ms of a ~33 ms check in the bench). Status is never taken from here: the workflow's update
   * validator refuses a verification that is no longer pending, and the answer then comes from the read model.
   */
  private readonly owners = new LRUCache<string, Owner>({ max: OWNERS_REMEMBERED });

  constructor(private readonly deps: VerificationServiceDeps) {}

  /** `options` exist for tests (a cool-down shorter than the product's 30 s); the API never passes them. */
  async create(tenant: TenantContext, body: CreateVerificationRequest, options: { resendCooldownSeconds?: number } = {}): Promise<VerificationView> {
    const { prisma, temporal, taskQueue } = this.deps;
    const { id: tenantId, settings } = tenant;
    const id = `ver_${randomBytes(15).toString('base64url')}`;
    const ttlSeconds = body.ttlSeconds ?? 600;
    const input: VerificationInput = {
      verificationId: id,
      tenantId,
      to: body.to,
      channel: body.channel,
      locale: body.locale ?? settings.defaultLocale ?? 'es',
      brand: body.brand ?? settings.brand,
      purpose: body.purpose,
      codeLength: body.codeLength ?? 6,
      maxAttempts: body.maxAttempts ?? 5,
      fallback: body.channel === 'whatsapp' ? (body.fallback ?? 'sms') : 'none',
      fallbackAfterSeconds: body.fallbackAfterSeconds ?? 30,
      callbackUrl: body.callbackUrl,
      resendCooldownSeconds: options.resendCooldownSeconds ?? RESEND_COOLDOWN_SECONDS,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
    };
    // The read model row exists before the workflow, so its first projection has a row to update; it is written in
    // the send slot's own statement (it exists exactly when the slot was taken: one round trip for both).
    const now = new Date();
    const row: Verification = {
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
      callbackUrl: input.callbackUrl ?? null,
      attemptsRemaining: input.maxAttempts,
      status: 'pending',
      sends: [],
      expiresAt: new Date(input.expiresAt),
      createdAt: now,
      updatedAt: now,
      version: 0,
    };
    const slot = await takeSendSlot(prisma, tenantId, input.to, id, { now, alongside: insertVerification(row) });
    if (!slot.allowed) throw tooManySends(slot.retryAfterSeconds, input.to);
    try {
      await temporal.workflow.start(VERIFICATION_WORKFLOW, {
        workflowId: verificationWorkflowId(id),
        taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // The workflow ends itself at expiry (plus callback retries); this bound only guards a stuck run.
        workflowExecutionTimeout: `${ttlSeconds + 2 * 86_400}s`,
        typedSearchAttributes: [
          { key: TENANT, value: tenantId },
          { key: STATUS, value: 'pending' },
          { key: PHONE, value: maskPhone(input.to) },
          { key: CHANNEL, value: input.channel },
        ],
      });
    } catch (error) {
      await prisma.verification.delete({ where: { id } }).catch(() => undefined);
      await releaseSendSlot(prisma, id).catch(() => undefined);
      throw new HttpProblem(503, 'temporal-unavailable', 'Service Unavailable', `Could not start the verification: ${(error as Error).message}`);
    }
    this.owners.set(id, { tenantId, workflowId: row.workflowId });
    return present(row);
  }

  async get(tenantId: string, id: string): Promise<VerificationView> {
    return this.view(tenantId, id);
  }

  /**
   * A check always says why: on a verification that is no longer pending it answers from the read
   * model ({valid:false, status}) instead of hiding the reason behind a 404.
   */
  async check(tenantId: string, id: string, code: string, idempotencyKey?: string): Promise<OtpCheckResult> {
    let workflowId = this.knownWorkflowId(tenantId, id);
    if (!workflowId) {
      const row = await this.find(tenantId, id);
      if (row.status !== 'pending') return answerFromReadModel(row);
      workflowId = row.workflowId;
    }
    const attemptHash = hashCode(this.deps.keys.otpHash, id, code);
    try {
      // The same Idempotency-Key maps to the same update id: Temporal answers a retry with the first result.
      const { state, ...answer } = await this.update(
        workflowId,
        (handle, updateId) => handle.executeUpdate(checkUpdate, { args: [{ attemptHash }], updateId }),
        idempotencyKey ? `check:${idempotencyKey}` : undefined,
      );
      // GET agrees with the answer once it is given: the state the check left is written before answering (the
      // workflow writes it too, a moment later; the newer version wins whichever lands first).
      if (state) await saveVerificationProjection(this.deps.prisma, id, state);
      return answer;
    } catch (error) {
      if (isClosedOrRejected(error)) return this.closedAnswer(tenantId, id);
      throw error;
    }
  }

  /**
   * The answer for a check the workflow refused or could not take (it is no longer pending). The
   * projection can lag the workflow by one write (e.g. expiry just fired), so ask the workflow itself
   * when the read model still says pending.
   */
  private async closedAnswer(tenantId: string, id: string): Promise<OtpCheckResult> {
    const row = await this.find(tenantId, id);
    if (row.status === 'pending') {
      const state = await this.deps.temporal.workflow
        .getHandle(row.workflowId)
        .query(stateQuery)
        .catch(() => undefined);
      if (state) return { valid: false, status: state.status, attemptsRemaining: state.attemptsRemaining };
    }
    return answerFromReadModel(row);
  }

  /** Same code again (until it expires), optionally on another channel; 429 inside the cool-down or over the per-phone cap. */
  async resend(tenantId: string, id: string, channel?: OtpChannel): Promise<VerificationView> {
    const row = await this.find(tenantId, id);
    if (row.status !== 'pending') throw wrongState(row);
    const slot = await takeSendSlot(this.deps.prisma, tenantId, row.to, id);
    if (!slot.allowed) throw tooManySends(slot.retryAfterSeconds, row.to);
    try {
      await this.update(row.workflowId, (handle, updateId) => handle.executeUpdate(resendUpdate, { args: [{ channel }], updateId }));
    } catch (error) {
      await releaseSendSlot(this.deps.prisma, id).catch(() => undefined);
      const failure = (error as { cause?: unknown }).cause;
      if (error instanceof WorkflowUpdateFailedError && failure instanceof ApplicationFailure && failure.type === RESEND_COOLDOWN_FAILURE) {
        const retryAfterSeconds = Number(failure.details?.[0] ?? 30);
        throw new HttpProblem(429, 'resend-cooldown', 'Too Many Requests', `Wait ${retryAfterSeconds} s before asking for the code again.`, {
          retryAfterSeconds,
        });
      }
      if (isClosedOrRejected(error)) throw wrongState(await this.find(tenantId, id));
      throw error;
    }
    return this.view(tenantId, id);
  }

  async cancel(tenantId: string, id: string): Promise<VerificationView> {
    const row = await this.find(tenantId, id);
    if (row.status !== 'pending') throw wrongState(row);
    try {
      await this.update(row.workflowId, (handle, updateId) => handle.executeUpdate(cancelUpdate, { args: [], updateId }));
    } catch (error) {
      if (isClosedOrRejected(error)) throw wrongState(await this.find(tenantId, id));
      throw error;
    }
    return this.view(tenantId, id);
  }

  /** An update on this verification's workflow (services/workflow-updates.ts: deadline, one id for every try). */
  private update<T>(workflowId: string, call: (handle: WorkflowHandle, updateId: string) => Promise<T>, updateId?: string): Promise<T> {
    return runUpdate(this.deps.temporal, workflowId, call, 'verification', updateId);
  }

  /** The workflow of a verification this process knows to be `tenantId`'s; a 404 if it knows it to be another's. */
  private knownWorkflowId(tenantId: string, id: string): string | undefined {
    const owner = this.owners.get(id);
    if (owner && owner.tenantId !== tenantId) throw notFound(id);
    return owner?.workflowId;
  }

  /** The verification as clients see it: its row, and its sends' receipts from the outbox (domain/verification-view.ts). */
  private async view(tenantId: string, id: string): Promise<VerificationView> {
    const [row, deliveries] = await Promise.all([this.find(tenantId, id), deliveriesOf(this.deps.prisma, verificationWorkflowId(id))]);
    return present(row, deliveries);
  }

  private async find(tenantId: string, id: string): Promise<Verification> {
    const row = await this.deps.prisma.verification.findUnique({ where: { id } });
    if (row) this.owners.set(id, { tenantId: row.tenantId, workflowId: row.workflowId });
    // Another tenant's verification is indistinguishable from a missing one.
    if (!row || row.tenantId !== tenantId) throw notFound(id);
    return row;
  }
}

function notFound(id: string): HttpProblem {
  return new HttpProblem(404, 'not-found', 'Not Found', `No verification ${id}.`);
}

function answerFromReadModel(row: Verification): OtpCheckResult {
  return { valid: false, status: row.status as OtpStatus, attemptsRemaining: row.attemptsRemaining };
}

function wrongState(row: Verification): HttpProblem {
  return new HttpProblem(409, 'verification-not-pending', 'Conflict', `The verification is ${row.status}.`, { verificationStatus: row.status });
}

/** The new verification's row, written only if the send slot's statement took a slot (`taken`: domain/send-limit.ts). */
function insertVerification(row: Verification): Prisma.Sql {
  return Prisma.sql`INSERT INTO verification (id, tenant_id, workflow_id, "to", channel, purpose, locale, brand, code_length, ttl_seconds,
      max_attempts, fallback, fallback_after_seconds, callback_url, attempts_remaining, status, sends, expires_at, created_at, updated_at, version)
    SELECT ${row.id}, ${row.tenantId}, ${row.workflowId}, ${row.to}, ${row.channel}, ${row.purpose}, ${row.locale}, ${row.brand},
           ${row.codeLength}, ${row.ttlSeconds}, ${row.maxAttempts}, ${row.fallback}, ${row.fallbackAfterSeconds}, ${row.callbackUrl},
           ${row.attemptsRemaining}, ${row.status}, ${JSON.stringify(row.sends)}::jsonb, ${row.expiresAt}, ${row.createdAt}, ${row.updatedAt},
           ${row.version}
      FROM taken`;
}

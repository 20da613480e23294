// The public representation of a verification (API responses and callbacks): masked phone, no secrets.
import type { PrismaClient, Verification } from '../prisma/generated/client';
import { advancesStatus, STATUS_RANK, type DeliveryStatus } from '../shared/delivery-status';
import type { OtpFallback, OtpSend, OtpStatus } from '../shared/otp';
import { maskPhone } from './phone';

/** Each outbound message of a verification as the outbox has it now: provider message id → status and error code. */
export type Deliveries = ReadonlyMap<string, { status: string; errorCode: string | null }>;

/**
 * A verification's workflow is signalled only the receipts it acts on (workflows/otp-step.ts, `acted-on`): an SMS's
 * `sent` and `delivered` move its outbound row on and nothing else. The view reads them from there.
 */
export async function deliveriesOf(prisma: PrismaClient, workflowId: string): Promise<Deliveries> {
  const rows = await prisma.$queryRaw<Array<{ id: string; status: string; error_code: string | null }>>`
    SELECT provider_message_id AS id, status, error_code FROM outbound_message WHERE workflow_id = ${workflowId} AND provider_message_id IS NOT NULL`;
  return new Map(rows.map((r) => [r.id, { status: r.status, errorCode: r.error_code }]));
}

/** A send as the workflow last wrote it, moved on to the status its outbound row has reached since (never back). */
function withDelivery(send: OtpSend, deliveries: Deliveries): OtpSend {
  const delivery = send.messageId ? deliveries.get(send.messageId) : undefined;
  if (!delivery || !(delivery.status in STATUS_RANK) || !advancesStatus(send.status, delivery.status as DeliveryStatus)) return send;
  const code = delivery.errorCode;
  const error = send.error ?? (code === null ? undefined : /^\d+$/.test(code) ? Number(code) : code);
  return { ...send, status: delivery.status, ...(error !== undefined ? { error } : {}) };
}

/** What clients see of a verification; api/schemas/verifications.ts publishes it (and checks it is the same shape). */
export interface VerificationView {
  id: string;
  status: OtpStatus;
  /** masked */
  to: string;
  channel: string;
  purpose: string | null;
  locale: string;
  codeLength: number;
  maxAttempts: number;
  attemptsRemaining: number;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  fallback: OtpFallback;
  sends: { channel: string; at: string; status: string; error?: string | number }[];
}

/** `deliveries`: what the outbox knows of the sends (deliveriesOf); a verification without sends needs none. */
export function present(row: Verification, deliveries: Deliveries = new Map()): VerificationView {
  return {
    id: row.id,
    status: row.status as OtpStatus,
    to: maskPhone(row.to),
    channel: row.channel,
    purpose: row.purpose,
    locale: row.locale,
    codeLength: row.codeLength,
    maxAttempts: row.maxAttempts,
    fallback: row.fallback as OtpFallback,
    attemptsRemaining: row.attemptsRemaining,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    sends: (row.sends as unknown as OtpSend[])
      .map((send) => withDelivery(send, deliveries))
      .map(({ channel, at, status, error }) => ({ channel, at, status, ...(error !== undefined ? { error } : {}) })),
  };
}

// The verification view takes each send's later receipts from its outbound row (the workflow is signalled only the
// ones it acts on): forward only, with the provider's error code, and nothing for a send the outbox does not know.
import assert from 'node:assert/strict';
import { present, type Deliveries } from '../../domain/verification-view';
import type { Verification } from '../../prisma/generated/client';
import type { OtpSend } from '../../shared/otp';

const at = '2026-12-07T10:00:00.000Z';

function row(sends: OtpSend[]): Verification {
  const now = new Date(at);
  return {
    id: 'ver_1',
    tenantId: 'ten_1',
    workflowId: 'verification-ver_1',
    to: '+34600111222',
    channel: 'sms',
    purpose: null,
    locale: 'es',
    brand: null,
    codeLength: 6,
    ttlSeconds: 600,
    maxAttempts: 5,
    fallback: 'none',
    fallbackAfterSeconds: 30,
    callbackUrl: null,
    attemptsRemaining: 5,
    status: 'pending',
    sends: sends as unknown as Verification['sends'],
    expiresAt: now,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

describe('verification view: receipts from the outbox', () => {
  it('moves a send on to the status its outbound row reached', () => {
    const deliveries: Deliveries = new Map([['SM1', { status: 'delivered', errorCode: null }]]);
    const view = present(row([{ channel: 'sms', at, status: 'queued', messageId: 'SM1' }]), deliveries);
    assert.deepEqual(view.sends, [{ channel: 'sms', at, status: 'delivered' }]);
  });

  it('never moves a send back, and ignores the outbox’s own states and unknown sends', () => {
    const deliveries: Deliveries = new Map([
      ['SM1', { status: 'sent', errorCode: null }],
      ['SM2', { status: 'sending', errorCode: null }],
    ]);
    const view = present(
      row([
        { channel: 'sms', at, status: 'delivered', messageId: 'SM1' },
        { channel: 'sms', at, status: 'queued', messageId: 'SM2' },
        { channel: 'sms', at, status: 'queued', messageId: 'SM3' },
        { channel: 'whatsapp', at, status: 'failed' },
      ]),
      deliveries,
    );
    assert.deepEqual(
      view.sends.map((s) => s.status),
      ['delivered', 'queued', 'queued', 'failed'],
    );
  });

  it('takes a failure’s error code from the row (numeric codes as numbers), unless the workflow recorded one', () => {
    const deliveries: Deliveries = new Map([
      ['SM1', { status: 'failed', errorCode: '30003' }],
      ['wamid.A', { status: 'failed', errorCode: '131026' }],
    ]);
    const view = present(
      row([
        { channel: 'sms', at, status: 'sent', messageId: 'SM1' },
        { channel: 'whatsapp', at, status: 'failed', messageId: 'wamid.A', error: 131026 },
      ]),
      deliveries,
    );
    assert.deepEqual(view.sends, [
      { channel: 'sms', at, status: 'failed', error: 30003 },
      { channel: 'whatsapp', at, status: 'failed', error: 131026 },
    ]);
  });
});

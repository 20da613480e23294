// The delivery-status rules every part shares (ingestion, outbox, workflow steps): forward only,
// nothing after failed, and a batch of statuses in any order ends on the furthest one.
import assert from 'node:assert/strict';
import { advancesStatus, isDelivered, lastAdvance, statusesBefore } from '../../shared/delivery-status';

describe('delivery-status rules', () => {
  it('moves forward only, and nothing moves a failed message', () => {
    assert.equal(advancesStatus('sent', 'delivered'), true);
    assert.equal(advancesStatus('read', 'sent'), false);
    assert.equal(advancesStatus('delivered', 'delivered'), false);
    assert.equal(advancesStatus('read', 'failed'), true);
    assert.equal(advancesStatus('failed', 'read'), false);
    // the outbox's own states are before every provider status except the unranked accepted/queued
    assert.equal(advancesStatus('sending', 'sent'), true);
    assert.equal(advancesStatus('send_failed', 'delivered'), true);
    assert.equal(advancesStatus('sending', 'accepted'), false);
  });

  it('lists the statuses a conditional update may start from', () => {
    assert.deepEqual(statusesBefore('delivered').sort(), ['accepted', 'queued', 'sending', 'sent']);
    assert.deepEqual(statusesBefore('failed').sort(), ['accepted', 'delivered', 'queued', 'read', 'sending', 'sent']);
    assert.deepEqual(statusesBefore('sent').sort(), ['accepted', 'queued', 'sending']);
  });

  it('counts read as delivered', () => {
    assert.deepEqual(['accepted', 'sent', 'delivered', 'read', 'failed'].filter(isDelivered), ['delivered', 'read']);
  });

  it('ends a batch on the last status that advanced, whatever the arrival order', () => {
    const updates = [
      { status: 'read' as const, n: 1 },
      { status: 'sent' as const, n: 2 },
      { status: 'delivered' as const, n: 3 },
    ];
    assert.deepEqual(lastAdvance('accepted', updates), { status: 'read', n: 1 });
    assert.equal(lastAdvance('read', updates), undefined);
    assert.equal(lastAdvance('failed', [{ status: 'delivered' as const }]), undefined);
    assert.deepEqual(lastAdvance('sent', [{ status: 'delivered' as const }, { status: 'failed' as const }]), { status: 'failed' });
  });
});

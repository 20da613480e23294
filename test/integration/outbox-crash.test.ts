// The outbox when PostgreSQL dies between the provider's accept and the write of the message id (found by the kill -9
// harness): the send must not be repeated. Before the fix the failed write fell into the send-failed path, the
// activity failed, and its retry — finding no message id — sent the message a second time.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sendOnce } from '../../messaging/outbox';
import { openDatabase, type Database } from '../../platform/db';
import { Cluster, type PrivatePostgres } from '../support/cluster';

describe('outbox: PostgreSQL killed during a send', function () {
  this.timeout(120_000);
  let cluster: Cluster;
  let postgres: PrivatePostgres;
  let db: Database;

  before(async () => {
    cluster = Cluster.create('testigo-outbox-');
    postgres = await cluster.postgres();
    db = await openDatabase({ url: await postgres.createDatabase('outbox') });
  });

  after(async () => {
    await db?.close().catch(() => undefined);
    await cluster?.stop();
  });

  const entry = () => ({
    key: `wf-${randomBytes(4).toString('hex')}:1`,
    workflowId: 'wf',
    channel: 'whatsapp' as const,
    provider: 'sandbox',
    to: '+34600000001',
  });

  it('keeps writing the message id until PostgreSQL is back, and a retry replays it instead of sending again', async () => {
    const send = entry();
    let sends = 0;
    let restarted: Promise<void> | undefined;
    const first = await sendOnce(db.prisma, send, async () => {
      sends++;
      // the provider has accepted; the database dies before we can record it, and comes back 8 s later (longer than one query waits for a connection)
      await postgres.kill9();
      restarted = new Promise((resolve) => setTimeout(resolve, 8_000)).then(() => postgres.start());
      return { messageId: 'wamid.accepted-once', status: 'accepted' };
    });
    await restarted;
    assert.equal(first.messageId, 'wamid.accepted-once');
    assert.equal(first.replayed, false);
    const row = await db.prisma.outboundMessage.findUniqueOrThrow({ where: { key: send.key } });
    assert.equal(row.providerMessageId, 'wamid.accepted-once');
    assert.equal(row.status, 'accepted');

    // the activity's retry (or a second worker) finds it
    const again = await sendOnce(db.prisma, send, async () => {
      sends++;
      return { messageId: 'wamid.second', status: 'accepted' };
    });
    assert.deepEqual([again.messageId, again.replayed, sends], ['wamid.accepted-once', true, 1]);
  });

  it('gives up on the write at the deadline (before the attempt would time out) with the database error', async () => {
    const send = entry();
    await assert.rejects(
      sendOnce(
        db.prisma,
        send,
        async () => {
          await postgres.kill9();
          return { messageId: 'wamid.unrecorded', status: 'accepted' };
        },
        { recordUntil: Date.now() + 1_500 },
      ),
    );
    await postgres.start();
    const row = await db.prisma.outboundMessage.findUniqueOrThrow({ where: { key: send.key } });
    // still "sending" with no id: not marked failed as if the provider had refused it
    assert.equal(row.status, 'sending');
    assert.equal(row.providerMessageId, null);
  });
});

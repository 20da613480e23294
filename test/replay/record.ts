// `npm run replay:record [tag]`: plays one completed signing process (through to the evidence it issues), one rejected
// one and one approved OTP verification on a real stack and saves their histories as replay fixtures, named
// `<scenario>.<tag>.binpb` (the tag defaults to today's date). It never overwrites: the histories of earlier workflow
// code stay beside the new ones, and the replay test replays them all — histories of workflows still running somewhere
// were recorded by older code. Record on purpose, when the workflow code changes (a change meant to break replay needs
// a new workflow version or a patch, not new fixtures); then list the new files in test/integration/replay.test.ts.
import { existsSync, writeFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { stopTestDevServer } from '../support/dev-server';
import { processBody, SandboxCustomer } from '../support/customer';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { HISTORIES_DIR, REPLAY_PAYLOAD_KEY } from './fixture';

async function settled(t: TestStack, path: string, status: string) {
  await eventually(async () => ((await t.request('GET', path)).body.status === status ? true : undefined), `${path} ${status}`, 60_000).catch(async (error) => {
    const { body } = await t.request('GET', path);
    throw new Error(`${error.message}: it is ${body.status} (${body.reason}), events ${body.events.map((e: { type: string }) => e.type).join(', ')}`);
  });
}

const TAG = process.argv[2] ?? new Date().toISOString().slice(0, 10);
if (!/^[\w-]+$/.test(TAG)) throw new Error(`tag ${TAG}: letters, digits, - and _ only`);
const file = (name: string) => new URL(`${name}.${TAG}.binpb`, HISTORIES_DIR);
for (const name of ['process-completed', 'process-rejected', 'verification-approved']) {
  if (existsSync(file(name))) throw new Error(`${file(name).pathname} exists: fixtures are never overwritten, give another tag`);
}

async function save(t: TestStack, workflowId: string, name: string) {
  const handle = t.stack.client.workflow.getHandle(workflowId);
  await handle.result();
  // Binary protobuf: the SDK's JSON route (historyToJSON/historyFromJSON) trips over the two protobufjs
  // copies npm installs beside @temporalio/common and @temporalio/proto.
  const history = await handle.fetchHistory();
  writeFileSync(file(name), proto.temporal.api.history.v1.History.encode(history).finish());
  console.log(`saved ${file(name).pathname}`);
}

const t = await startTestStack('pglite', { PAYLOAD_KEY: REPLAY_PAYLOAD_KEY });
try {
  const completed = (await t.request('POST', '/v1/processes', { body: await processBody({ extraValidations: [{ type: 'typed_phrase', phrase: 'I AGREE' }] }) }))
    .body;
  const customer = new SandboxCustomer(t, (await t.stack.db.prisma.process.findUniqueOrThrow({ where: { id: completed.id } })).customerPhone);
  await customer.tap('Yes, I agree');
  await customer.tap('Received & reviewed');
  await customer.tap('I accept');
  await customer.type('000000');
  await customer.type(await customer.smsCode());
  await settled(t, `/v1/processes/${completed.id}`, 'awaiting_validation');
  await customer.type('i agree');
  await settled(t, `/v1/processes/${completed.id}`, 'completed');
  // the evidence step ran: the certificate is issued before the workflow ends
  await eventually(async () => ((await t.request('GET', `/v1/processes/${completed.id}`)).body.certificate ? true : undefined), 'the certificate', 120_000);
  await save(t, `process-${completed.id}`, 'process-completed');

  const rejected = (await t.request('POST', '/v1/processes', { body: await processBody() })).body;
  const other = new SandboxCustomer(t, (await t.stack.db.prisma.process.findUniqueOrThrow({ where: { id: rejected.id } })).customerPhone);
  await other.tap('Yes, I agree');
  await other.tap('Received & reviewed');
  await other.tap('I reject');
  await settled(t, `/v1/processes/${rejected.id}`, 'rejected');
  await save(t, `process-${rejected.id}`, 'process-rejected');

  const verification = (await t.request('POST', '/v1/verifications', { body: { to: '+34611222333', channel: 'sms' } })).body;
  const code = await new SandboxCustomer(t, '+34611222333').smsCode();
  await t.request('POST', `/v1/verifications/${verification.id}/checks`, { body: { code } });
  await save(t, `verification-${verification.id}`, 'verification-approved');
} finally {
  await t.stop();
  await stopTestDevServer();
}
process.exit(0);

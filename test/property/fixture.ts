// Rows that exist before the hostile requests: a verification and a process (with its document), so
// generated requests also reach the code behind "not found" — checks, resends, cancels, downloads.
import assert from 'node:assert/strict';
import { SAMPLE_PDF } from './support/schema-arbitraries';
import { eventually, type TestStack } from '../support/stack';

export async function createFixture(t: TestStack): Promise<string[]> {
  const verification = await t.request('POST', '/v1/verifications', { body: { to: '+34699000111', channel: 'sms', brand: 'Hostile' } });
  assert.equal(verification.status, 201, JSON.stringify(verification.body));
  const process = await t.request('POST', '/v1/processes', {
    body: {
      reference: 'HOSTILE-1',
      customer: { phone: '+34699000222', name: 'Fixture' },
      optIn: { mode: 'whatsapp' },
      documents: [{ name: 'conditions.pdf', contentBase64: SAMPLE_PDF.toString('base64') }],
    },
  });
  assert.equal(process.status, 201, JSON.stringify(process.body));
  // Their first messages at their last status (the provider's status webhooks answered): from here on the fixture is still, so
  // a request's before/after row counts see only that request (the next step waits for the customer).
  await eventually(
    async () => ((await t.request('GET', `/v1/verifications/${verification.body.id}`)).body.sends?.[0]?.status === 'delivered' ? true : undefined),
    'the fixture verification SMS delivered',
    60_000,
  );
  await eventually(
    async () => ((await t.request('GET', `/v1/processes/${process.body.id}`)).body.messages?.[0]?.status === 'read' ? true : undefined),
    'the fixture process opt-in read (the sandbox reads what it delivers)',
    60_000,
  );
  return [verification.body.id, process.body.id, process.body.documents[0].id];
}

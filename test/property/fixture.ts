// Rows that exist before the hostile requests: a verification and a process (with its document), so
// generated requests also reach the code behind "not found" — checks, resends, cancels, downloads.
import assert from 'node:assert/strict';
import { SAMPLE_PDF } from './support/schema-arbitraries';
import type { TestStack } from '../support/stack';

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
  return [verification.body.id, process.body.id, process.body.documents[0].id];
}

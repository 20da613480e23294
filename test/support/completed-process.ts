// A process played to completion through the real API and the sandbox handset (WhatsApp opt-in, SMS code), and
// what it left: the sealed certificate, the sealed document, the evidence record — for the tests that verify them
// (API, page, CLI). The code is 10 digits so that finding it anywhere by chance is practically impossible.
import assert from 'node:assert/strict';
import { processBody, SandboxCustomer } from './customer';
import { eventually, type TestStack } from './stack';

export interface CompletedProcess {
  processId: string;
  reference: string;
  phone: string;
  /** the one-time code the customer typed */
  code: string;
  certificate: Buffer;
  signedDocument: Buffer;
  record: { evidence: any; jws: string };
}

export async function completeProcess(t: TestStack, overrides: Record<string, unknown> = {}): Promise<CompletedProcess> {
  const body = await processBody({ otp: { channel: 'sms', codeLength: 10 }, ...overrides });
  const created = await t.request('POST', '/v1/processes', { body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const processId: string = created.body.id;
  const customer = new SandboxCustomer(t, body.customer.phone);
  await customer.tap('Yes, I agree');
  await customer.tap('Received & reviewed');
  await customer.tap('I accept');
  const code = await customer.smsCode();
  await customer.type(code);
  const done = await eventually(
    async () => {
      const { body } = await t.request('GET', `/v1/processes/${processId}`);
      return body.certificate ? body : undefined;
    },
    'the certificate',
    40_000,
  );
  assert.equal(done.status, 'completed');
  const download = async (route: string) => {
    const response = await fetch(`${t.url}${route}`, { headers: { authorization: `Bearer ${t.apiKey}` } });
    assert.equal(response.status, 200, route);
    return Buffer.from(await response.arrayBuffer());
  };
  return {
    processId,
    reference: body.reference,
    phone: body.customer.phone,
    code,
    certificate: await download(`/v1/processes/${processId}/certificate`),
    signedDocument: await download(`/v1/processes/${processId}/documents/${done.documents[0].id}/signed`),
    record: (await t.request('GET', `/v1/processes/${processId}/evidence`)).body,
  };
}

// The signing process's WhatsApp templates end to end against the sandbox's Graph emulator: the
// shipped definitions, their registration and review status (`npm run templates`), the readiness
// check a new process goes through, and each template sent through the app's own WhatsApp client
// with its documented parameters until a quick-reply tap comes back through the app's webhook.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SANDBOX_WHATSAPP } from '../../platform/config';
import { CloudApiClient } from '../../providers/whatsapp';
import { ProviderError } from '../../providers/sms';
import { templatesCommand } from '../../messaging/templates/command';
import {
  PROCESS_TEMPLATES,
  TEMPLATE_BODY_PARAMETERS,
  TEMPLATE_DEFINITIONS,
  TEMPLATE_LOCALES,
  TEMPLATE_QUICK_REPLIES,
  bodyParameterCount,
  processTemplateSend,
  quickReplyTexts,
  requiredTemplates,
  templateDefinition,
  type TemplateLocale,
} from '../../messaging/templates/definitions';
import { TemplateReadiness } from '../../messaging/templates/readiness';
import { TemplateRegistry, TemplateRegistryError } from '../../messaging/templates/registry';
import { templateStatuses } from '../../messaging/templates/status';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const run = promisify(execFile);
const V = 'v23.0';
const { wabaId: WABA, accessToken: TOKEN, phoneNumberId: PNID } = SANDBOX_WHATSAPP;
const UTILITY = ['optIn', 'notice', 'reminder'] as const;

let phoneCounter = 0;
function newPhone(): string {
  phoneCounter += 1;
  return `+346${String(Date.now() % 1e5).padStart(5, '0')}${String(phoneCounter).padStart(3, '0')}`;
}

describe('process message templates', function () {
  this.timeout(60_000);
  let t: TestStack;
  let graph: string;
  let registry: TemplateRegistry;

  before(async function () {
    this.timeout(120_000);
    t = await startTestStack('pglite');
    graph = `${t.url}/sandbox/graph`;
    registry = new TemplateRegistry({ baseUrl: graph, version: V, wabaId: WABA, accessToken: TOKEN });
  });
  after(async function () {
    this.timeout(30_000);
    await t?.stop();
  });
  afterEach(async () => {
    await control('DELETE', '/sandbox/api/templates');
  });

  async function control(method: string, path: string, body?: unknown) {
    const response = await fetch(`${t.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  const review = async (name: string, status: string, extra: { language?: string; reason?: string } = {}) => {
    const response = await control('POST', '/sandbox/api/templates/review', { name, status, ...extra });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  };
  async function graphCall(method: string, path: string, body?: unknown) {
    const response = await fetch(`${graph}/${V}/${WABA}/message_templates${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  const sender = () => new CloudApiClient({ baseUrl: graph, version: V, phoneNumberId: PNID, accessToken: TOKEN, style: 'cloud', provider: 'sandbox' });
  const handset = async (phone: string) => (await control('GET', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`)).body as any[];
  const command = async (name: string) => {
    const lines: string[] = [];
    const code = await templatesCommand(name, registry, TEMPLATE_DEFINITIONS, (line) => lines.push(line));
    return { code, lines };
  };

  describe('definitions', () => {
    it('ship the opt-in, notice, reminder and authentication templates in Spanish and English, in Meta’s create format', () => {
      assert.deepEqual(PROCESS_TEMPLATES, { optIn: 'testigo_opt_in', notice: 'testigo_documents_notice', reminder: 'testigo_reminder', otp: 'otp_code' });
      assert.equal(TEMPLATE_DEFINITIONS.length, 8);
      for (const language of TEMPLATE_LOCALES) {
        for (const key of UTILITY) {
          const definition = templateDefinition(PROCESS_TEMPLATES[key], language)!;
          assert.equal(definition.category, 'UTILITY');
          assert.equal(bodyParameterCount(definition), TEMPLATE_BODY_PARAMETERS[key].length, `${definition.name}/${language} parameters`);
          const body = definition.components.find((c) => c.type === 'BODY') as { text: string; example: { body_text: string[][] } };
          assert.equal(body.example.body_text[0].length, TEMPLATE_BODY_PARAMETERS[key].length, 'one sample value per parameter');
          assert.doesNotMatch(body.text, /^\{\{|\}\}$/, 'Meta refuses a body that starts or ends with a parameter');
          assert.deepEqual(quickReplyTexts(definition), TEMPLATE_QUICK_REPLIES[key][language]);
        }
        const otp = templateDefinition('otp_code', language)!;
        assert.equal(otp.category, 'AUTHENTICATION');
        assert.deepEqual(otp.components[0], { type: 'BODY', add_security_recommendation: true });
        assert.deepEqual(otp.components[1], { type: 'FOOTER', code_expiration_minutes: 10 });
        assert.equal((otp.components[2] as any).buttons[0].otp_type, 'COPY_CODE');
      }
      assert.deepEqual(TEMPLATE_QUICK_REPLIES.optIn, { es: ['Sí, acepto', 'No'], en: ['Yes, I agree', 'No'] });
      assert.deepEqual(TEMPLATE_QUICK_REPLIES.notice, { es: ['Continuar'], en: ['Continue'] });
    });

    it('name the templates each kind of process needs', () => {
      const names = (o: Parameters<typeof requiredTemplates>[0]) => requiredTemplates(o).map((r) => `${r.name}/${r.language}`);
      assert.deepEqual(names({ optInMode: 'whatsapp', otpChannel: 'sms', locale: 'es' }), ['testigo_opt_in/es', 'testigo_reminder/es']);
      assert.deepEqual(names({ optInMode: 'recorded', otpChannel: 'whatsapp', locale: 'en' }), [
        'testigo_documents_notice/en',
        'testigo_reminder/en',
        'otp_code/en',
      ]);
      assert.deepEqual(names({ optInMode: 'click_to_chat', otpChannel: 'sms', locale: 'en' }), ['testigo_reminder/en']);
      assert.deepEqual(names({ optInMode: 'click_to_chat', otpChannel: 'whatsapp', locale: 'es' }), ['testigo_reminder/es', 'otp_code/es']);
    });

    it('build a send with one payload per button, and refuse wrong counts before Meta does', () => {
      const send = processTemplateSend('optIn', 'es', ['Acme', 'C-1'], ['prc_1:opt_in:yes', 'prc_1:opt_in:no']);
      assert.deepEqual(send.components[2], {
        type: 'button',
        sub_type: 'quick_reply',
        index: '1',
        parameters: [{ type: 'payload', payload: 'prc_1:opt_in:no' }],
      });
      assert.throws(() => processTemplateSend('notice', 'en', ['Ana', 'Acme'], ['p']), /3 body parameters expected, got 2/);
      assert.throws(() => processTemplateSend('reminder', 'en', ['Acme', 'C-1'], ['a', 'b']), /1 quick-reply payloads expected, got 2/);
    });
  });

  describe('the sandbox catalogue', () => {
    it('agrees with the shipped definitions: same names, languages, texts, parameter counts and buttons, all approved', async () => {
      const rows = templateStatuses(TEMPLATE_DEFINITIONS, await registry.list());
      assert.equal(rows.length, 8);
      for (const row of rows)
        assert.deepEqual({ ...row }, { name: row.name, language: row.language, status: 'APPROVED', drift: [] }, `${row.name}/${row.language}`);
      const status = await command('status');
      assert.equal(status.code, 0, status.lines.join('\n'));
      assert.equal(status.lines.at(-1), 'all 8 templates are approved');
    });

    it('sends each shipped template with its documented parameters; the handset shows its buttons and a tap comes back through the webhook', async () => {
      const whatsapp = sender();
      const values: Record<(typeof UTILITY)[number], string[]> = {
        optIn: ['Acme Bank', 'C-2026-0042'],
        notice: ['Ana', 'Acme Bank', 'C-2026-0042'],
        reminder: ['Acme Bank', 'C-2026-0042'],
      };
      for (const language of TEMPLATE_LOCALES) {
        for (const key of UTILITY) {
          const phone = newPhone();
          const buttons = TEMPLATE_QUICK_REPLIES[key][language];
          const payloads = buttons.map((_, i) => `prc_test:${key}:${i}`);
          const id = await whatsapp.sendTemplate(phone, processTemplateSend(key, language as TemplateLocale, values[key], payloads));
          const shown = await eventually(
            async () => (await handset(phone)).find((m) => m.id === id && m.status !== 'accepted'),
            `${key}/${language} on the handset`,
          );
          for (const value of values[key]) assert.ok(shown.text.includes(value), `${key}/${language} shows ${value}`);
          assert.doesNotMatch(shown.text, /\{\{\d+\}\}/);
          assert.deepEqual(
            shown.buttons.map((b: any) => [b.id, b.title]),
            buttons.map((title, i) => [payloads[i], title]),
          );
          const last = payloads.length - 1;
          const tap = await control('POST', `/sandbox/api/phones/${encodeURIComponent(phone)}/messages`, { buttonId: payloads[last] });
          assert.equal(tap.status, 202, JSON.stringify(tap.body));
          const event = await eventually(
            async () => (await t.stack.db.prisma.inboxEvent.findFirst({ where: { messageId: tap.body.id } })) ?? undefined,
            `the ${key}/${language} tap in the app’s inbox`,
          );
          assert.equal((event.payload as any).buttonPayload, payloads[last]);
          assert.equal((event.payload as any).buttonTitle, buttons[last]);
        }
        const phone = newPhone();
        const id = await whatsapp.sendAuthenticationCode(phone, { name: PROCESS_TEMPLATES.otp, language, code: '482913' });
        const code = await eventually(async () => (await handset(phone)).find((m) => m.id === id), `otp/${language}`);
        assert.equal(code.buttons[0].copyCode, '482913');
      }
    });
  });

  describe('registration and review', () => {
    it('registers what the WABA lacks, reports what it has, and a second run submits nothing', async () => {
      for (const name of [PROCESS_TEMPLATES.optIn, PROCESS_TEMPLATES.notice, PROCESS_TEMPLATES.reminder])
        assert.equal((await graphCall('DELETE', `?name=${name}`)).status, 200);
      // Meta's verdict on the reminder, set before it is even submitted.
      await review(PROCESS_TEMPLATES.reminder, 'PENDING');
      const first = await command('register');
      assert.equal(first.code, 0, first.lines.join('\n'));
      assert.equal(first.lines.filter((l) => /: submitted, APPROVED \(id \d+\)$/.test(l)).length, 4, first.lines.join('\n'));
      assert.equal(first.lines.filter((l) => /^testigo_reminder \[(es|en)\]: submitted, PENDING/.test(l)).length, 2);
      assert.ok(first.lines.includes('otp_code [es]: already registered, APPROVED'));

      const listed = await registry.list();
      const optIn = listed.find((r) => r.name === 'testigo_opt_in' && r.language === 'es')!;
      assert.deepEqual(templateStatuses([templateDefinition('testigo_opt_in', 'es')!], [optIn])[0].drift, [], 'registered exactly as shipped');

      const second = await command('register');
      assert.equal(second.code, 0);
      assert.equal(second.lines.filter((l) => l.includes('already registered')).length, 8, second.lines.join('\n'));

      const status = await command('status');
      assert.equal(status.code, 1);
      assert.ok(status.lines.includes('testigo_reminder [en]: PENDING'), status.lines.join('\n'));
      assert.equal(status.lines.at(-1), '2 of 8 templates are not ready');
    });

    it('reports a name + language Meta already has as existing, not as a failure (2388024)', async () => {
      const definition = templateDefinition('testigo_opt_in', 'en')!;
      const duplicate = await graphCall('POST', '', definition);
      assert.equal(duplicate.status, 400);
      assert.equal(duplicate.body.error.code, 100);
      assert.equal(duplicate.body.error.error_subcode, 2388024);
      // The client keeps the subcode, which register() reads as "exists" when Meta's list lags behind a create.
      await assert.rejects(
        registry.create(definition),
        (error: TemplateRegistryError) => error.code === 100 && error.subcode === 2388024 && /already/.test(error.message),
      );
    });

    it('a PENDING or REJECTED template is reported by status and by the readiness check, and its send fails (132001); paused is 132015', async () => {
      await review(PROCESS_TEMPLATES.optIn, 'REJECTED', { language: 'es', reason: 'INCORRECT_CATEGORY' });
      await review(PROCESS_TEMPLATES.reminder, 'PENDING');

      const status = await command('status');
      assert.equal(status.code, 1);
      assert.ok(status.lines.includes('testigo_opt_in [es]: REJECTED (INCORRECT_CATEGORY)'), status.lines.join('\n'));
      assert.ok(status.lines.includes('testigo_opt_in [en]: APPROVED'));
      assert.ok(status.lines.includes('testigo_reminder [es]: PENDING'));

      const readiness = new TemplateReadiness(registry);
      assert.deepEqual(await readiness.missing(requiredTemplates({ optInMode: 'whatsapp', otpChannel: 'whatsapp', locale: 'es' })), [
        { name: 'testigo_opt_in', language: 'es', status: 'REJECTED', reason: 'INCORRECT_CATEGORY' },
        { name: 'testigo_reminder', language: 'es', status: 'PENDING' },
      ]);
      assert.deepEqual(await readiness.missing([{ name: 'testigo_contract_v2', language: 'en' }]), [
        { name: 'testigo_contract_v2', language: 'en', status: 'missing' },
      ]);

      const send = (key: 'optIn' | 'reminder', language: TemplateLocale) =>
        sender().sendTemplate(
          newPhone(),
          processTemplateSend(
            key,
            language,
            key === 'optIn' ? ['Acme', 'C-1'] : ['Acme', 'C-1'],
            TEMPLATE_QUICK_REPLIES[key][language].map((_, i) => `p${i}`),
          ),
        );
      for (const [key, language] of [
        ['optIn', 'es'],
        ['reminder', 'en'],
      ] as const) {
        await assert.rejects(
          send(key, language),
          (error: ProviderError) => error instanceof ProviderError && error.details.code === 132001 && error.kind === 'rejected',
        );
      }
      assert.match(await send('optIn', 'en'), /^wamid\./, 'the approved translation still sends');

      await review(PROCESS_TEMPLATES.optIn, 'PAUSED', { language: 'en' });
      await assert.rejects(send('optIn', 'en'), (error: ProviderError) => error.details.code === 132015);
    });

    it('npm run templates -- status exits non-zero and names the template that is not approved', async () => {
      await review(PROCESS_TEMPLATES.notice, 'REJECTED', { language: 'en', reason: 'INVALID_FORMAT' });
      const env = { ...process.env, WHATSAPP_PROVIDER: 'sandbox', WHATSAPP_API_BASE_URL: graph, LOG_LEVEL: 'silent' };
      const failed = await run(process.execPath, ['--import', 'tsx', 'scripts/templates.ts', 'status'], { env }).then(
        () => assert.fail('status should exit non-zero'),
        (error: { code: number; stdout: string }) => error,
      );
      assert.equal(failed.code, 1);
      assert.match(failed.stdout, /^testigo_documents_notice \[en\]: REJECTED \(INVALID_FORMAT\)$/m);
      await review(PROCESS_TEMPLATES.notice, 'APPROVED');
      const ok = await run(process.execPath, ['--import', 'tsx', 'scripts/templates.ts', 'status'], { env });
      assert.match(ok.stdout, /all 8 templates are approved/);
    });
  });

  describe('readiness', () => {
    it('caches the WABA’s list for its TTL, shares one request, and sees a change after invalidate() or expiry', async () => {
      let calls = 0;
      let now = 0;
      const counted = { list: () => (calls++, registry.list()) };
      const readiness = new TemplateReadiness(counted, { ttlMs: 60_000, now: () => now });
      const need = requiredTemplates({ optInMode: 'recorded', otpChannel: 'sms', locale: 'en' });
      assert.deepEqual(await Promise.all([readiness.missing(need), readiness.missing(need)]), [[], []]);
      assert.equal(calls, 1, 'concurrent callers share one request');

      await review(PROCESS_TEMPLATES.notice, 'PENDING', { language: 'en' });
      now = 59_000;
      assert.deepEqual(await readiness.missing(need), [], 'still the cached list');
      now = 60_000;
      assert.deepEqual(await readiness.missing(need), [{ name: 'testigo_documents_notice', language: 'en', status: 'PENDING' }]);
      assert.equal(calls, 2);

      await review(PROCESS_TEMPLATES.notice, 'APPROVED');
      readiness.invalidate();
      assert.deepEqual(await readiness.missing(need), []);
      assert.equal(calls, 3);
      assert.deepEqual(await readiness.missing([]), [], 'nothing required, nothing asked');
      assert.equal(calls, 3);
    });

    it('throws when the WABA cannot be asked, and does not cache the failure', async () => {
      let token = 'wrong-token';
      const source = { list: () => new TemplateRegistry({ baseUrl: graph, version: V, wabaId: WABA, accessToken: token }).list() };
      const readiness = new TemplateReadiness(source);
      await assert.rejects(
        readiness.missing([{ name: 'testigo_reminder', language: 'es' }]),
        (error: TemplateRegistryError) => error.httpStatus === 401 && error.code === 190,
      );
      token = TOKEN;
      assert.deepEqual(await readiness.missing([{ name: 'testigo_reminder', language: 'es' }]), []);
    });

    it('lists every page of a WABA with more templates than a page holds', async () => {
      const small = new TemplateRegistry({ baseUrl: graph, version: V, wabaId: WABA, accessToken: TOKEN, pageSize: 3 });
      const all = await registry.list();
      assert.ok(all.length > 6);
      assert.deepEqual(
        (await small.list()).map((r) => r.id),
        all.map((r) => r.id),
      );
      const page = await graphCall('GET', '?limit=3');
      assert.equal(page.body.data.length, 3);
      assert.match(page.body.paging.next, /[?&]after=/);
    });
  });

  describe('the sandbox’s create endpoint', () => {
    const utility = (overrides: Record<string, unknown> = {}, body: Record<string, unknown> = {}) => ({
      name: 'sandbox_check',
      language: 'en',
      category: 'UTILITY',
      components: [
        { type: 'BODY', text: 'Hello, {{1}} has news about {{2}}.', example: { body_text: [['Acme', 'C-1']] }, ...body },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'OK' }] },
      ],
      ...overrides,
    });
    const refused = async (body: unknown, details: RegExp) => {
      const response = await graphCall('POST', '', body);
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.equal(response.body.error.code, 100);
      assert.equal(response.body.error.type, 'OAuthException');
      assert.match(response.body.error.error_data.details, details);
    };

    it('creates a valid template (APPROVED by default) that can then be sent', async () => {
      const created = await graphCall('POST', '', utility());
      assert.equal(created.status, 200);
      assert.match(created.body.id, /^\d+$/);
      assert.equal(created.body.status, 'APPROVED');
      assert.equal(created.body.category, 'UTILITY');
      const id = await sender().sendTemplate(newPhone(), {
        name: 'sandbox_check',
        language: 'en',
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Acme' },
              { type: 'text', text: 'C-9' },
            ],
          },
        ],
      });
      assert.match(id, /^wamid\./);
      assert.equal((await graphCall('DELETE', '?name=sandbox_check')).body.success, true);
      assert.equal((await graphCall('GET', '?name=sandbox_check')).body.data.length, 0);
    });

    it('refuses what Meta refuses, with code 100 and the reason', async () => {
      await refused(utility({ name: 'Sandbox-Check' }), /lowercase letters, numbers and underscores/);
      await refused(utility({ language: undefined }), /language is required/);
      await refused(utility({ language: 'english' }), /not a supported language code/);
      await refused(utility({ category: 'PROMOTION' }), /category must be one of/);
      await refused(utility({}, { example: undefined }), /sample values are required/);
      await refused(utility({}, { example: { body_text: [['Acme']] } }), /2 parameters but 1 sample values/);
      await refused(utility({}, { text: 'Hello, {{1}} has news about {{3}}.', example: { body_text: [['a', 'b', 'c']] } }), /sequential: \{\{2\}\} is missing/);
      await refused(utility({}, { text: '{{1}} has news about {{2}}.' }), /start or end/);
      await refused(
        utility({
          components: [
            { type: 'BODY', text: 'Hi there' },
            { type: 'FOOTER', text: 'x'.repeat(61) },
          ],
        }),
        /footer text must be at most 60/,
      );
      const eleven = Array.from({ length: 11 }, (_, i) => ({ type: 'QUICK_REPLY', text: `Option ${i}` }));
      await refused(
        utility({
          components: [
            { type: 'BODY', text: 'Pick one, please.' },
            { type: 'BUTTONS', buttons: eleven },
          ],
        }),
        /at most 10 quick-reply/,
      );
      await refused(
        utility({
          components: [
            { type: 'BODY', text: 'Pick one, please.' },
            { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'A much too long button label here' }] },
          ],
        }),
        /at most 25 characters/,
      );
      await refused(utility({ components: [] }), /components is required/);
      const auth = { name: 'sandbox_otp', language: 'en', category: 'AUTHENTICATION' };
      await refused(
        {
          ...auth,
          components: [
            { type: 'BODY', text: 'Your code is {{1}}' },
            { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] },
          ],
        },
        /take no body text/,
      );
      await refused({ ...auth, components: [{ type: 'BODY', add_security_recommendation: true }] }, /exactly one OTP button/);
      await refused(
        {
          ...auth,
          components: [
            { type: 'BODY' },
            { type: 'FOOTER', code_expiration_minutes: 91 },
            { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] },
          ],
        },
        /between 1 and 90/,
      );
      assert.equal((await graphCall('GET', '?name=sandbox_')).body.data.length, 0, 'nothing stored');
    });

    it('creates an authentication template from Meta’s options, and lists it read back as Meta does', async () => {
      const created = await graphCall('POST', '', {
        name: 'sandbox_otp',
        language: 'es',
        category: 'authentication',
        message_send_ttl_seconds: 300,
        components: [
          { type: 'body', add_security_recommendation: true },
          { type: 'footer', code_expiration_minutes: 5 },
          { type: 'buttons', buttons: [{ type: 'otp', otp_type: 'copy_code', text: 'Copiar' }] },
        ],
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const [listed] = (await graphCall('GET', '?name=sandbox_otp')).body.data;
      assert.equal(listed.message_send_ttl_seconds, 300);
      assert.deepEqual(listed.components[1], { type: 'FOOTER', text: 'Este código caduca en 5 minutos.', code_expiration_minutes: 5 });
      assert.equal(listed.components[2].buttons[0].type, 'URL');
      assert.equal(listed.components[2].buttons[0].text, 'Copiar');
    });

    it('the control API validates the verdict and lists the catalogue with statuses', async () => {
      assert.equal((await control('POST', '/sandbox/api/templates/review', { name: 'testigo_opt_in', status: 'LOST' })).status, 400);
      const verdict = await review('testigo_opt_in', 'REJECTED', { reason: 'SCAM' });
      assert.deepEqual(verdict.templates.map((e: any) => `${e.language}:${e.status}:${e.reason}`).sort(), ['en:REJECTED:SCAM', 'es:REJECTED:SCAM']);
      const listed = (await control('GET', '/sandbox/api/templates')).body;
      assert.equal(listed.find((e: any) => e.name === 'otp_code' && e.language === 'es').status, 'APPROVED');
      const [rejected] = (await graphCall('GET', '?name=testigo_opt_in&language=en')).body.data;
      assert.equal(rejected.status, 'REJECTED');
      assert.equal(rejected.rejected_reason, 'SCAM');
    });
  });
});

// The commands that call the API: `process start`, `process show`, `certificate` (with TESTIGO_API_KEY) and `ca`
// (public). They print a short human summary, or the API's JSON with --json.
import { createHash, X509Certificate } from 'node:crypto';
import path from 'node:path';
import { LOCALES, OTP_CHANNELS } from '../shared/otp';
import { OPT_IN_MODES } from '../shared/process';
import { CliError, EXIT, parse, processId, UsageError } from './args';
import { apiConfig, baseUrl, getJson, request } from './api-client';
import { readInput, writeOutput } from './files';
import { CA_HELP, CERTIFICATE_HELP, PROCESS_HELP } from './help';
import { err, json, out, table } from './output';

/** What the commands read of a process (GET /v1/processes/{id}; api/schemas/processes.ts ProcessResponse). */
interface ProcessView {
  id: string;
  reference: string;
  status: string;
  reason: string | null;
  step: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  channel: string;
  customer: { phone: string; name: string; locale: string };
  optIn: { mode: string; link?: string };
  documents: Array<{ id: string; name: string; sha256: string; size: number; pages: number; signedSha256: string | null }>;
  events: Array<{ at: string; type: string; channel?: string }>;
  otp: { channel: string; attemptsRemaining: number | null; codes: number };
  certificate: { url: string; evidenceUrl: string; sha256: string; issuedAt: string } | null;
}

export async function processCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined) {
    err(PROCESS_HELP);
    return EXIT.usage;
  }
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    out(PROCESS_HELP);
    return EXIT.ok;
  }
  if (sub === 'start') return start(rest);
  if (sub === 'show') return show(rest);
  throw new UsageError(`unknown subcommand "process ${sub}" (start or show)`, 'process');
}

async function start(args: string[]): Promise<number> {
  const C = 'process';
  const { values, positionals } = parse(C, args, {
    file: { type: 'string', multiple: true },
    phone: { type: 'string' },
    name: { type: 'string' },
    reference: { type: 'string' },
    locale: { type: 'string' },
    'opt-in': { type: 'string' },
    'opt-in-source': { type: 'string' },
    'opt-in-text': { type: 'string' },
    'opt-in-collected-at': { type: 'string' },
    'in-person': { type: 'boolean' },
    'otp-channel': { type: 'string' },
    'callback-url': { type: 'string' },
    'idempotency-key': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    out(PROCESS_HELP);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (documents go with --file)`, C);
  const missing = (['file', 'phone', 'name', 'reference'] as const).filter((k) => !values[k] || (Array.isArray(values[k]) && values[k].length === 0));
  if (missing.length) throw new UsageError(`missing ${missing.map((k) => `--${k}`).join(', ')}`, C);
  const oneOf = (option: string, value: string | undefined, allowed: readonly string[]) => {
    if (value !== undefined && !allowed.includes(value)) throw new UsageError(`--${option} must be one of ${allowed.join(', ')} (got "${value}")`, C);
    return value;
  };
  const locale = oneOf('locale', values.locale, LOCALES);
  const mode = oneOf('opt-in', values['opt-in'], OPT_IN_MODES) ?? 'whatsapp';
  const otpChannel = oneOf('otp-channel', values['otp-channel'], OTP_CHANNELS);
  const config = apiConfig('process start');
  const files = values.file!.map((file) => ({ name: path.basename(file), bytes: readInput(file, '--file', C) }));

  const body = {
    reference: values.reference,
    customer: { phone: values.phone, name: values.name, ...(locale ? { locale } : {}) },
    ...(values['in-person'] ? { channel: 'in_person' } : {}),
    optIn: {
      mode,
      ...(values['opt-in-collected-at'] ? { collectedAt: values['opt-in-collected-at'] } : {}),
      ...(values['opt-in-source'] ? { source: values['opt-in-source'] } : {}),
      ...(values['opt-in-text'] ? { text: values['opt-in-text'] } : {}),
    },
    ...(otpChannel ? { otp: { channel: otpChannel } } : {}),
    ...(values['callback-url'] ? { callbackUrl: values['callback-url'] } : {}),
  };
  const form = new FormData();
  form.append('process', JSON.stringify(body));
  for (const file of files) form.append('documents', new Blob([new Uint8Array(file.bytes)], { type: 'application/pdf' }), file.name);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (values['idempotency-key']) headers['idempotency-key'] = values['idempotency-key'];
  const response = await request(config, 'POST', '/v1/processes', { body: form, headers });
  const created = (await response.json()) as ProcessView;
  if (values.json) {
    json(created);
    return EXIT.ok;
  }
  out(`${created.id}  ${created.status}`);
  table([
    ['reference', created.reference],
    ['customer', `${created.customer.name} (${created.customer.phone}, ${created.customer.locale})`],
    ['opt-in', created.optIn.mode],
    ...created.documents.map((d, i): [string, string] => [i === 0 ? 'documents' : '', `${d.id}  ${d.name}  ${d.pages} p.  sha256 ${d.sha256}`]),
    ...(created.optIn.link ? [['link', `${created.optIn.link}  (shown only now: the customer opens it to start)`] as [string, string]] : []),
    ...(response.headers.get('idempotent-replayed') === 'true' ? [['note', 'a replay: this Idempotency-Key already started it'] as [string, string]] : []),
  ]);
  out(`\nFollow it with: testigo process show ${created.id}`);
  return EXIT.ok;
}

async function show(args: string[]): Promise<number> {
  const C = 'process';
  const { values, positionals } = parse(C, args, { json: { type: 'boolean' } });
  if (values.help) {
    out(PROCESS_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError('one ID at a time', C);
  const id = processId(positionals[0], C);
  const config = apiConfig('process show');
  const view = await getJson<ProcessView>(config, `/v1/processes/${encodeURIComponent(id)}`);
  if (values.json) {
    json(view);
    return EXIT.ok;
  }
  out(`${view.id}  ${view.status}${view.reason ? ` (${view.reason})` : ''}`);
  const rows: Array<[string, string]> = [
    ['reference', view.reference],
    ['step', view.step],
    ['customer', `${view.customer.name} (${view.customer.phone}, ${view.customer.locale}), ${view.channel}`],
    ['opt-in', view.optIn.mode],
    ['created', view.createdAt],
    ['updated', view.updatedAt],
  ];
  if (view.completedAt) rows.push(['completed', view.completedAt]);
  view.documents.forEach((d, i) =>
    rows.push([i === 0 ? 'documents' : '', `${d.id}  ${d.name}  ${d.pages} p.  ${d.signedSha256 ? `sealed, sha256 ${d.signedSha256}` : 'not sealed yet'}`]),
  );
  rows.push([
    'otp',
    `${view.otp.channel}, ${view.otp.codes} code(s) sent${view.otp.attemptsRemaining === null ? '' : `, ${view.otp.attemptsRemaining} attempt(s) left`}`,
  ]);
  rows.push(['certificate', view.certificate ? `${config.baseUrl}${view.certificate.url}` : 'not issued yet (at completion)']);
  if (view.certificate) {
    rows.push(['', `issued ${view.certificate.issuedAt}, sha256 ${view.certificate.sha256}`]);
    rows.push(['', `download: testigo certificate ${view.id}`]);
  }
  table(rows);
  out(`\nevents (${view.events.length})`);
  for (const event of view.events) out(`  ${event.at}  ${event.type}${event.channel ? `  ${event.channel}` : ''}`);
  return EXIT.ok;
}

export async function certificateCommand(args: string[]): Promise<number> {
  const C = 'certificate';
  const { values, positionals } = parse(C, args, { out: { type: 'string', short: 'o' } });
  if (values.help) {
    out(CERTIFICATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError('one ID at a time', C);
  const id = processId(positionals[0], C);
  const config = apiConfig(C);
  const response = await request(config, 'GET', `/v1/processes/${encodeURIComponent(id)}/certificate`, { headers: { accept: 'application/pdf' } });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const target = values.out ?? `certificate-${id}.pdf`;
  writeOutput(target, bytes, C);
  out(`${target}  ${bytes.length} bytes  sha256 ${createHash('sha256').update(bytes).digest('hex')}`);
  out(`Verify it offline: testigo verify ${target} --ca testigo-ca.pem`);
  return EXIT.ok;
}

export async function caCommand(args: string[]): Promise<number> {
  const C = 'ca';
  const { values, positionals } = parse(C, args, { out: { type: 'string', short: 'o' } });
  if (values.help) {
    out(CA_HELP);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`, C);
  const response = await request({ baseUrl: baseUrl() }, 'GET', '/.well-known/testigo-ca.pem');
  const pem = await response.text();
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(pem);
  } catch (error) {
    throw new CliError(`the API did not answer a PEM certificate (${(error as Error).message})`, EXIT.failed);
  }
  const target = values.out ?? 'testigo-ca.pem';
  if (target === '-') {
    process.stdout.write(pem);
    return EXIT.ok;
  }
  writeOutput(target, Buffer.from(pem), C);
  out(`${target}  ${ca.subject.split('\n').join(', ')}`);
  out(`SHA-256 fingerprint ${ca.fingerprint256}  (compare it with one you trust before relying on it)`);
  return EXIT.ok;
}
